import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, JWTPayload, jwtVerify } from 'jose';
import { AuthConfig, normalizeTokenType } from '../config';
import { UnauthenticatedError } from '../common/errors';
import { Logger } from '../common/logger';
import { loadOrCreateLocalKey } from './local-key';
import { Principal } from './principal';

type KeySet = Parameters<typeof jwtVerify>[1];

// RFC 7235: the scheme name is case-insensitive.
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/i;
// Names the policy uses for its own subjects and roles (group:…, @authenticated, role:…): a token
// claiming one would be granted what that name holds.
export const RESERVED_SUBJECT = /^(group:|role:|@)/i;
const MAX_SUBJECT = 255;
// Verified tokens are remembered, so a client's every request does not pay for a signature check
// (ES256 costs 100–250 µs, a tenth of a small request). Bounded in number, and in time, so a key
// withdrawn from the JWKS stops being honoured within VERIFIED_TTL_MS even for long-lived tokens.
const VERIFIED_MAX = 5_000;
export const VERIFIED_TTL_MS = 5 * 60_000;

interface Verified {
  principal: Principal;
  /** Epoch ms after which the token must be verified again: its `exp`, or sooner. */
  until: number;
  /** The token's `exp`, in epoch ms. */
  expiresAt: number;
}

/** A principal with the moment its token stops being valid: a WebSocket connection closes then. */
export interface Session {
  principal: Principal;
  /** The token's `exp`, in epoch ms. */
  expiresAt: number;
}

/**
 * Turns an `Authorization: Bearer <JWT>` header into a Principal, or UNAUTHENTICATED.
 *
 * Tokens are verified with jose against the identity provider's JWKS (cached; an unknown `kid`
 * triggers a refetch, at most once per cooldown, so key rotation needs no restart), with the
 * issuer, audience, an algorithm allow-list (which excludes `none` and HMAC) and a required
 * `exp`. Every failure gives the client the same message, so it learns nothing about why; the
 * reason is logged at debug level, never the token.
 */
/**
 * The token could not be checked because the JWKS is unreachable. Still UNAUTHENTICATED over HTTP
 * (fail closed, as for a bad token), but a WebSocket closes with "try again" rather than "forbidden".
 */
export class TokenUncheckableError extends UnauthenticatedError {
  constructor() {
    super('Invalid or expired token.');
  }
}

export class Authenticator {
  private readonly verified = new Map<string, Verified>();

  private constructor(
    private readonly config: AuthConfig,
    private readonly keys: KeySet,
    private readonly logger: Logger,
  ) {}

  static async create(config: AuthConfig, logger: Logger): Promise<Authenticator> {
    if (config.mode === 'jwks') {
      const keys = createRemoteJWKSet(new URL(config.jwksUrl), {
        cooldownDuration: config.jwksCooldownMs,
        timeoutDuration: 5000,
        cacheMaxAge: 10 * 60_000,
      });
      return new Authenticator(config, keys, logger);
    }
    const { key, created } = await loadOrCreateLocalKey(config.keyFile);
    logger.warn(
      'authentication is in LOCAL MODE: tokens are signed by a key of this server (mint one with `npm run token -- <subject>`); set AUTH_JWKS_URL for real use',
      {
        keyFile: config.keyFile,
        keyCreated: created,
        admins: config.admins,
      },
    );
    return new Authenticator(config, createLocalJWKSet({ keys: [key.publicJwk] }), logger);
  }

  async authenticate(authorization: string | undefined): Promise<Principal> {
    return (await this.authenticateSession(authorization)).principal;
  }

  /** Like `authenticate`, with the token's expiry, for connections that outlive a request. */
  async authenticateSession(authorization: string | undefined): Promise<Session> {
    if (!authorization)
      throw new UnauthenticatedError('Authentication required: send `Authorization: Bearer <token>`.');
    const match = BEARER.exec(authorization.trim());
    if (!match) throw new UnauthenticatedError('Invalid or expired token.');
    const token = match[1];
    const cached = this.verified.get(token);
    if (cached && cached.until > Date.now()) return { principal: cached.principal, expiresAt: cached.expiresAt };
    if (cached) this.verified.delete(token);
    const { exp, ...principal } = await this.verify(token);
    this.remember(token, principal, exp);
    return { principal, expiresAt: exp * 1000 };
  }

  private async verify(token: string): Promise<Principal & { exp: number }> {
    let payload: JWTPayload;
    let typ: string | undefined;
    try {
      ({
        payload,
        protectedHeader: { typ },
      } = await jwtVerify(token, this.keys, {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: this.config.algorithms,
        clockTolerance: this.config.clockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (err) {
      if (this.logFailure(err)) throw new TokenUncheckableError();
      throw new UnauthenticatedError('Invalid or expired token.');
    }
    // jose checks `iat` only against maxTokenAge: a token claiming to be issued later than now
    // was minted by a clock or a signer that cannot be trusted, and would outlive its stated age.
    if (payload.iat !== undefined && payload.iat > Date.now() / 1000 + this.config.clockToleranceSeconds) {
      this.logger.debug('token rejected', { reason: 'iat in the future' });
      throw new UnauthenticatedError('Invalid or expired token.');
    }
    const refused = this.refusal(payload, typ);
    if (refused) {
      this.logger.debug('token rejected', { reason: refused });
      throw new UnauthenticatedError('Invalid or expired token.');
    }
    const subject = payload.sub!;
    // A subject is stored as every change's actor: one that is not well-formed Unicode (a lone
    // surrogate, escaped in the token's JSON) could not be written.
    const malformed = subject.length === 0 || subject.length > MAX_SUBJECT || !subject.isWellFormed();
    if (malformed || RESERVED_SUBJECT.test(subject)) {
      throw new UnauthenticatedError('Invalid or expired token.');
    }
    const groups = this.groupsOf(payload);
    // A group becomes a policy subject (group:<name>) and is shown by `viewer`: refused as the subject would be.
    if (groups.some((g) => !g.isWellFormed())) {
      this.logger.debug('token rejected', { reason: 'a group is not well-formed Unicode' });
      throw new UnauthenticatedError('Invalid or expired token.');
    }
    // As the policy sees it: AUTH_ADMINS may name the subject, or one of its groups.
    const globalAdmin =
      this.config.admins.includes(subject) || groups.some((g) => this.config.admins.includes(`group:${g}`));
    return { subject, groups, globalAdmin, exp: payload.exp! };
  }

  /**
   * Checks jose leaves to us. Lifetime: a token valid for months is a standing credential, so it
   * is refused past AUTH_MAX_TOKEN_LIFETIME (measured from `iat`, or from now when there is no
   * `iat`). Type: an ID token is signed by the same keys, and may carry the same audience; RFC 9068
   * access tokens say `typ: at+jwt` and RFC 8725 §3.11 asks to check it. `azp` names the client
   * the token was issued to.
   */
  private refusal(payload: JWTPayload, typ: string | undefined): string | null {
    const from = payload.iat ?? Date.now() / 1000;
    if (payload.exp! - from > this.config.maxTokenLifetimeSeconds) return 'lifetime over AUTH_MAX_TOKEN_LIFETIME';
    const type = typ === undefined ? 'absent' : normalizeTokenType(typ);
    if (!this.config.tokenTypes.includes(type)) return 'typ not in AUTH_TOKEN_TYPES';
    const parties = this.config.authorizedParties;
    if (parties.length > 0 && !(typeof payload.azp === 'string' && parties.includes(payload.azp)))
      return 'azp not in AUTH_AUTHORIZED_PARTIES';
    return null;
  }

  private remember(token: string, principal: Principal, exp: number): void {
    // Map keeps insertion order: when full, forget the oldest entry.
    if (this.verified.size >= VERIFIED_MAX) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, {
      principal,
      until: Math.min(exp * 1000, Date.now() + VERIFIED_TTL_MS),
      expiresAt: exp * 1000,
    });
  }

  /** Groups from the configured claim: an array of strings, or one space- or comma-separated string. */
  private groupsOf(payload: JWTPayload): string[] {
    const raw = payload[this.config.groupsClaim];
    const values = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[\s,]+/) : [];
    return [...new Set(values.filter((g): g is string => typeof g === 'string' && g.length > 0 && g.length <= 200))];
  }

  /** Logs why a token failed; true when the JWKS could not be fetched (not the token's fault). */
  private logFailure(err: unknown): boolean {
    // An unreachable JWKS is an operator's problem, not a bad token: say so loudly.
    const unreachable =
      err instanceof joseErrors.JWKSTimeout ||
      err instanceof joseErrors.JWKSInvalid ||
      (err instanceof joseErrors.JOSEError && err.code === 'ERR_JOSE_GENERIC');
    if (unreachable || (err instanceof Error && !(err instanceof joseErrors.JOSEError))) {
      this.logger.error('token verification failed: the JWKS could not be fetched; requests are refused until it can', {
        error: err.message,
      });
      return true;
    }
    this.logger.debug('token rejected', {
      reason: err instanceof joseErrors.JOSEError ? err.code : 'unknown',
    });
    return false;
  }
}
