import type { Config } from '../config';

/** GET /console/config.json: how the console signs users in (web/src/app/console-config.ts reads it). */
export interface ConsoleClientConfig {
  auth: { mode: 'local' } | { mode: 'oidc'; issuer: string; clientId: string; scope: string; audience: string };
}

export function consoleClientConfig(config: Pick<Config, 'auth' | 'console'>): ConsoleClientConfig {
  const oidc = config.console.oidc;
  if (!oidc || config.auth.mode !== 'jwks') return { auth: { mode: 'local' } };
  return {
    auth: {
      mode: 'oidc',
      issuer: config.auth.issuer,
      clientId: oidc.clientId,
      scope: oidc.scope,
      audience: config.auth.audience,
    },
  };
}

/** The issuer's origin, which the console's CSP lets it call (discovery, token endpoint); null in local mode. */
export function issuerOrigin(config: ConsoleClientConfig): string | null {
  if (config.auth.mode !== 'oidc') return null;
  try {
    return new URL(config.auth.issuer).origin;
  } catch {
    return null;
  }
}
