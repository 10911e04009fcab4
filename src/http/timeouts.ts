import http from 'node:http';
import { Socket } from 'node:net';
import { HttpTimeouts } from '../config';

/**
 * How often Node looks for requests past HTTP_HEADERS_TIMEOUT_MS or HTTP_REQUEST_TIMEOUT_MS. Node
 * does not time each request: it sweeps the connections in the middle of one every
 * `connectionsCheckingInterval` (30 s by default), so a slow client was cut anywhere between the
 * limit and the limit plus 30 s. A sweep every half second (a quarter of the headers timeout when
 * that is shorter) makes both limits hold to within half a second; a sweep only walks connections
 * that are mid-request, so it costs little.
 * https://nodejs.org/api/http.html#httpcreateserveroptions-requestlistener
 */
export function timeoutCheckIntervalMs(timeouts: HttpTimeouts): number {
  const shortest = Math.min(timeouts.headersTimeoutMs, timeouts.requestTimeoutMs);
  return Math.max(100, Math.min(500, Math.floor(shortest / 4)));
}

const FIRST_HEADERS_DEADLINE = Symbol('firstHeadersDeadline');
type TimedSocket = Socket & { [FIRST_HEADERS_DEADLINE]?: NodeJS.Timeout };
const REQUEST_TIMEOUT_RESPONSE = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';

/**
 * Node counts the headers timeout from a request's first byte, not from the connection: a client
 * that connects, waits until just before the limit and then drips its headers got the limit
 * twice. A new connection must therefore deliver its first request's headers within
 * `headersTimeoutMs` of connecting, or it is answered 408 and closed, as Node does. Later requests
 * on a kept-alive connection start their clock at their first byte, after an idle wait that
 * HTTP_KEEP_ALIVE_TIMEOUT_MS bounds.
 */
export function enforceFirstHeadersDeadline(server: http.Server, headersTimeoutMs: number): void {
  server.on('connection', (socket: TimedSocket) => {
    const timer = setTimeout(() => {
      if (socket.writable && socket.bytesWritten === 0) socket.write(REQUEST_TIMEOUT_RESPONSE);
      socket.destroy();
    }, headersTimeoutMs);
    timer.unref();
    socket[FIRST_HEADERS_DEADLINE] = timer;
    socket.once('close', () => clearTimeout(timer));
  });
}

/** Called when a request's headers have arrived: its connection met its first deadline. */
export function headersArrived(socket: Socket): void {
  clearTimeout((socket as TimedSocket)[FIRST_HEADERS_DEADLINE]);
}
