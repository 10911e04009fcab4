import http from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, JWK, JWTPayload, SignJWT } from 'jose';
import { OidcClient, OidcEndpoints } from './oidc-endpoints';

/**
 * A stand-in identity provider on 127.0.0.1: it serves a JWKS (like Auth0's or Keycloak's
 * /.well-known/jwks.json) and signs tokens with its keys, so tests exercise real verification.
 * With `enableOidc`, it is also an OpenID provider for a browser client (oidc-endpoints.ts):
 * discovery, /authorize and /token with PKCE, so the console's sign-in runs against it.
 */
export const ISSUER = 'https://idp.test/';
export const AUDIENCE = 'model-registry';

interface SigningKey {
  kid: string;
  alg: string;
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  publicJwk: JWK;
}

export interface TokenOptions {
  groups?: string[];
  /** Seconds from now; default 300. */
  expiresIn?: number;
  notBefore?: number;
  issuer?: string;
  audience?: string;
  /** Leave out `exp` altogether. */
  noExp?: boolean;
  kid?: string;
  claims?: JWTPayload;
  /** The `typ` header; default `at+jwt`, null leaves it out. */
  typ?: string | null;
}

export class IdentityProvider {
  private keys: SigningKey[] = [];
  private server!: http.Server;
  /** When false, the JWKS endpoint answers 503, as an identity provider outage would. */
  up = true;
  fetches = 0;
  url = '';

  /** The `iss` of the tokens it signs: ISSUER, or with `selfIssued` its own origin (`http://127.0.0.1:<port>`). */
  issuer = ISSUER;
  private oidc: OidcEndpoints | null = null;

  /**
   * `selfIssued`: the issuer is this server's own URL, so that a browser can fetch
   * `<issuer>/.well-known/openid-configuration` (needed for OIDC sign-in).
   */
  static async start(opts: { selfIssued?: boolean } = {}): Promise<IdentityProvider> {
    const idp = new IdentityProvider();
    await idp.addKey('ES256');
    idp.server = http.createServer((req, res) => {
      if (idp.oidc?.handle(req, res)) return;
      idp.fetches += 1;
      if (!idp.up) {
        res.statusCode = 503;
        return res.end();
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: idp.keys.map((k) => k.publicJwk) }));
    });
    await new Promise<void>((r) => idp.server.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(idp.server.address() as AddressInfo).port}`;
    idp.url = `${origin}/.well-known/jwks.json`;
    if (opts.selfIssued) idp.issuer = origin;
    return idp;
  }

  /**
   * Makes this an OpenID provider for one browser client: /authorize signs `client.user` in
   * without asking (a test user who always approves) and /token mints them an at+jwt access token.
   */
  enableOidc(client: OidcClient): OidcEndpoints {
    this.oidc = new OidcEndpoints(this.issuer, this.url, client, (subject, opts) => this.token(subject, opts));
    return this.oidc;
  }

  /** Adds a key to the published set (key rotation); returns its kid. */
  async addKey(alg: 'ES256' | 'RS256' = 'ES256', publish = true): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair(alg, {
      extractable: true,
    });
    const kid = `k${this.keys.length + 1}-${Math.random().toString(36).slice(2, 6)}`;
    const key = {
      kid,
      alg,
      privateKey,
      publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
    };
    if (publish) this.keys.push(key);
    else this.unpublished.push(key);
    return kid;
  }

  private unpublished: SigningKey[] = [];

  /** A signing key that is not in the JWKS: tokens signed with it are forgeries. */
  async forgerKid(): Promise<string> {
    return this.addKey('ES256', false);
  }

  async token(subject: string, opts: TokenOptions = {}): Promise<string> {
    const all = [...this.keys, ...this.unpublished];
    const key = opts.kid ? all.find((k) => k.kid === opts.kid)! : this.keys[this.keys.length - 1];
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({
      ...(opts.groups ? { groups: opts.groups } : {}),
      ...opts.claims,
    })
      .setProtectedHeader({
        alg: key.alg,
        kid: key.kid,
        ...(opts.typ === null ? {} : { typ: opts.typ ?? 'at+jwt' }),
      })
      .setSubject(subject)
      .setIssuer(opts.issuer ?? this.issuer)
      .setAudience(opts.audience ?? AUDIENCE)
      .setIssuedAt(now);
    if (!opts.noExp) jwt.setExpirationTime(now + (opts.expiresIn ?? 300));
    if (opts.notBefore !== undefined) jwt.setNotBefore(now + opts.notBefore);
    return jwt.sign(key.privateKey);
  }

  /** The public JWK of the newest key (for HS256-with-the-public-key attacks). */
  publicJwk(): JWK {
    return this.keys[this.keys.length - 1].publicJwk;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
