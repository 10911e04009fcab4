import { spawn } from 'node:child_process';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';

const BIN = path.resolve(__dirname, '../../bin/model-registry.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `model-registry` as a user would: its own process, the bin shim, the given environment. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, cwd?: string, stdin?: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env,
      cwd,
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (stdin !== undefined) child.stdin!.end(stdin);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** A blob GET seen by the proxy: its Range header and how many body bytes went to the client. */
export interface ProxiedDownload {
  range?: string;
  status: number;
  bytes: number;
  cut: boolean;
}

/**
 * An HTTP proxy in front of the server that can cut a blob download's connection after a number
 * of body bytes, as a flaky network would, and records every blob GET.
 */
export async function startCuttingProxy(target: string): Promise<{
  url: string;
  downloads: ProxiedDownload[];
  cutNextDownloadAfter(bytes: number): void;
  stop(): Promise<void>;
}> {
  const upstream = new URL(target);
  const downloads: ProxiedDownload[] = [];
  let cutAfter: number | undefined;
  const server = http.createServer((req, res) => {
    const isDownload = req.method === 'GET' && req.url?.startsWith('/v1/');
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        if (!isDownload) return void up.pipe(res);
        const seen: ProxiedDownload = { range: req.headers.range, status: up.statusCode ?? 0, bytes: 0, cut: false };
        downloads.push(seen);
        const limit = cutAfter;
        cutAfter = undefined;
        up.on('data', (chunk: Buffer) => {
          if (seen.cut) return;
          if (limit !== undefined && seen.bytes + chunk.length > limit) {
            seen.cut = true;
            up.destroy();
            res.socket?.destroy();
            return;
          }
          seen.bytes += chunk.length;
          if (!res.write(chunk)) {
            up.pause();
            res.once('drain', () => up.resume());
          }
        });
        up.on('end', () => res.end());
      },
    );
    forward.on('error', () => res.socket?.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    downloads,
    cutNextDownloadAfter: (bytes) => (cutAfter = bytes),
    stop: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
