/** What the server tells the console at GET /console/config.json (src/console/console-config.ts). */
export interface ConsoleConfig {
  auth: { mode: 'local' } | OidcSettings;
}

/** OIDC sign-in: the issuer (discovery at `<issuer>/.well-known/openid-configuration`) and this console's client. */
export interface OidcSettings {
  mode: 'oidc';
  issuer: string;
  clientId: string;
  scope: string;
  audience: string;
}

let pending: Promise<ConsoleConfig> | null = null;

/** Fetched once per page load. */
export function loadConsoleConfig(): Promise<ConsoleConfig> {
  pending ??= fetch('/console/config.json', { credentials: 'omit' }).then(async (res) => {
    if (!res.ok) throw new Error(`GET /console/config.json answered ${res.status}`);
    return (await res.json()) as ConsoleConfig;
  });
  return pending;
}
