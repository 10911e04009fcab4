import type { ServerResponse } from 'node:http';

/**
 * The Content-Security-Policy of every console response. The console is built without inline
 * scripts or styles (web/index.html loads one module), so `'self'` is all it needs; a script
 * injected into a page cannot run, load code from elsewhere or send data anywhere but this server
 * (and the identity provider's token endpoint, when the console signs in with OIDC).
 * https://developer.mozilla.org/docs/Web/HTTP/Headers/Content-Security-Policy
 */
export function contentSecurityPolicy(issuerOrigin: string | null): string {
  // `'self'` covers the live updates' WebSocket too (ws: or wss: to this same host, CSP Level 3):
  // a bare `ws: wss:` would let a script open a socket to any host.
  const connect = ["'self'", ...(issuerOrigin ? [issuerOrigin] : [])];
  return [
    "default-src 'self'",
    "script-src 'self'",
    `connect-src ${connect.join(' ')}`,
    "img-src 'self' data:",
    "style-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');
}

export function setSecurityHeaders(res: ServerResponse, csp: string): void {
  res.setHeader('content-security-policy', csp);
  // The console's pages carry tokens in memory: never sniff a file into something executable, never
  // tell other sites which console page linked to them, never be framed (clickjacking).
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
}
