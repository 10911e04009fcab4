import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { TokenOptions } from './identity-provider';

/** The one client the test OpenID provider knows, and the user it signs in. */
export interface OidcClient {
  clientId: string;
  /** Exact redirect URIs it accepts (`<server>/auth/callback`). */
  redirectUris: string[];
  /** Who /authorize signs in, without a login page. */
  user: { subject: string; groups?: string[] };
  /** Access token lifetime in seconds; default 300. */
  expiresIn?: number;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  scope: string;
  expiresAt: number;
}

/**
 * The OpenID provider side of the test identity provider: discovery, an authorization endpoint
 * that auto-approves the configured user, and a token endpoint for public clients with PKCE (S256
 * only), as OAuth 2.1 and RFC 7636 describe it. Codes live 60 s and work once. The token endpoint
 * answers CORS for the origins of the registered redirect URIs, as providers do for browser apps.
 */
export class OidcEndpoints {
  private codes = new Map<string, PendingCode>();
  /** Every /authorize and /token request, for tests that check what the console sent. */
  readonly requests: { path: string; params: Record<string, string> }[] = [];

  constructor(
    private readonly issuer: string,
    private readonly jwksUri: string,
    readonly client: OidcClient,
    private readonly mint: (subject: string, opts: TokenOptions) => Promise<string>,
  ) {}

  /** The discovery document's URL. */
  get discoveryUrl(): string {
    return `${this.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  }

  /** Answers true when the request was one of its endpoints. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    const url = new URL(req.url ?? '/', this.issuer);
    const base = this.issuer.replace(/\/+$/, '');
    if (url.pathname === '/.well-known/openid-configuration') {
      this.cors(req, res);
      json(res, 200, {
        issuer: this.issuer,
        authorization_endpoint: `${base}/authorize`,
        token_endpoint: `${base}/token`,
        jwks_uri: this.jwksUri,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['none'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['ES256'],
      });
      return true;
    }
    if (url.pathname === '/authorize' && req.method === 'GET') {
      this.authorize(url, res);
      return true;
    }
    if (url.pathname === '/token') {
      this.cors(req, res);
      if (req.method === 'OPTIONS') {
        res.statusCode = 204;
        res.end();
      } else if (req.method === 'POST') void this.token(req, res);
      else json(res, 405, { error: 'invalid_request' });
      return true;
    }
    return false;
  }

  private authorize(url: URL, res: http.ServerResponse) {
    const p = Object.fromEntries(url.searchParams);
    this.requests.push({ path: '/authorize', params: p });
    // An unknown client or redirect URI is shown, never redirected to: that would make this an open redirector.
    if (p.client_id !== this.client.clientId || !this.client.redirectUris.includes(p.redirect_uri)) {
      res.statusCode = 400;
      res.setHeader('content-type', 'text/plain');
      res.end('unknown client_id or redirect_uri');
      return;
    }
    const back = new URL(p.redirect_uri);
    if (p.state) back.searchParams.set('state', p.state);
    const refuse = (description: string) => {
      back.searchParams.set('error', 'invalid_request');
      back.searchParams.set('error_description', description);
      redirect(res, back.href);
    };
    if (p.response_type !== 'code') return refuse('response_type must be code');
    if (!p.state) return refuse('state is required');
    if (p.code_challenge_method !== 'S256') return refuse('code_challenge_method must be S256');
    if (!/^[A-Za-z0-9_-]{43}$/.test(p.code_challenge ?? '')) return refuse('code_challenge must be a S256 challenge');
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, {
      clientId: p.client_id,
      redirectUri: p.redirect_uri,
      challenge: p.code_challenge,
      scope: p.scope ?? '',
      expiresAt: Date.now() + 60_000,
    });
    back.searchParams.set('code', code);
    redirect(res, back.href);
  }

  private async token(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const p = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    this.requests.push({ path: '/token', params: p });
    if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded'))
      return json(res, 400, { error: 'invalid_request', error_description: 'a form body is expected' });
    if (p.grant_type !== 'authorization_code') return json(res, 400, { error: 'unsupported_grant_type' });
    const pending = this.codes.get(p.code ?? '');
    // A code works once, whatever the outcome.
    this.codes.delete(p.code ?? '');
    if (!pending || pending.expiresAt < Date.now()) return json(res, 400, { error: 'invalid_grant' });
    if (p.client_id !== pending.clientId || p.redirect_uri !== pending.redirectUri)
      return json(res, 400, { error: 'invalid_grant', error_description: 'client_id or redirect_uri differ' });
    const challenge = createHash('sha256')
      .update(p.code_verifier ?? '')
      .digest('base64url');
    if (!p.code_verifier || challenge !== pending.challenge)
      return json(res, 400, { error: 'invalid_grant', error_description: 'code_verifier does not match' });
    const expiresIn = this.client.expiresIn ?? 300;
    const accessToken = await this.mint(this.client.user.subject, {
      groups: this.client.user.groups,
      expiresIn,
      claims: { azp: this.client.clientId, scope: pending.scope },
    });
    json(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn, scope: pending.scope });
  }

  private cors(req: http.IncomingMessage, res: http.ServerResponse) {
    const origin = req.headers.origin;
    const allowed = this.client.redirectUris.map((u) => new URL(u).origin);
    if (origin && allowed.includes(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-methods', 'GET, POST');
      res.setHeader('access-control-allow-headers', 'content-type');
      res.setHeader('vary', 'origin');
    }
  }
}

function json(res: http.ServerResponse, status: number, body: unknown) {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify(body));
}

function redirect(res: http.ServerResponse, location: string) {
  res.statusCode = 302;
  res.setHeader('location', location);
  res.end();
}
