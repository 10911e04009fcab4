import fs from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, JWK, SignJWT } from 'jose';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../config';
import { ensurePrivateDir } from '../common/private-files';

/**
 * Local mode's signing key: an ES256 key pair made on first start and kept in the data directory
 * (mode 0600, in a directory made 0700), so tokens minted by `npm run token` stay valid across
 * restarts. Only for trying the server; production verifies tokens from an identity provider's JWKS instead.
 */
export interface LocalKey {
  privateJwk: JWK;
  publicJwk: JWK;
}

export async function loadOrCreateLocalKey(file: string): Promise<{ key: LocalKey; created: boolean }> {
  if (fs.existsSync(file))
    return {
      key: JSON.parse(fs.readFileSync(file, 'utf8')) as LocalKey,
      created: false,
    };
  const { privateKey, publicKey } = await generateKeyPair('ES256', {
    extractable: true,
  });
  const kid = `local-${Date.now().toString(36)}`;
  const key: LocalKey = {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' },
    publicJwk: {
      ...(await exportJWK(publicKey)),
      kid,
      alg: 'ES256',
      use: 'sig',
    },
  };
  ensurePrivateDir(path.dirname(file));
  // 'wx' fails if another process made the key first; then use theirs.
  try {
    fs.writeFileSync(file, JSON.stringify(key, null, 2), {
      mode: 0o600,
      flag: 'wx',
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateLocalKey(file);
    throw err;
  }
  return { key, created: true };
}

export interface MintOptions {
  subject: string;
  groups?: string[];
  /** Lifetime in seconds. */
  ttlSeconds?: number;
  groupsClaim?: string;
}

export async function mintLocalToken(key: LocalKey, opts: MintOptions): Promise<string> {
  const signingKey = await importJWK(key.privateJwk, 'ES256');
  const claims: Record<string, unknown> = {};
  if (opts.groups?.length) claims[opts.groupsClaim ?? 'groups'] = opts.groups;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: key.publicJwk.kid, typ: 'at+jwt' })
    .setSubject(opts.subject)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${opts.ttlSeconds ?? 8 * 3600}s`)
    .sign(signingKey);
}
