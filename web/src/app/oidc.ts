import type { OidcSettings } from './console-config';

/**
 * OIDC sign-in for a public browser client: Authorization Code with PKCE (RFC 7636, S256), as
 * OAuth 2.1 asks of single-page apps. The verifier and state stay in this tab's sessionStorage
 * between leaving for the identity provider and coming back to /auth/callback; the access token
 * comes from the token endpoint by fetch, never through a URL.
 */
const PENDING = 'mr.oidc';

interface Pending {
  state: string;
  verifier: string;
  tokenEndpoint: string;
  redirectUri: string;
  clientId: string;
  returnTo: string;
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const randomString = () => base64url(crypto.getRandomValues(new Uint8Array(32)));

async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
}

async function discover(issuer: string): Promise<Discovery> {
  const res = await fetch(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, { credentials: 'omit' });
  if (!res.ok) throw new Error(`The identity provider's discovery document answered ${res.status}.`);
  const doc = (await res.json()) as Partial<Discovery>;
  if (!doc.authorization_endpoint || !doc.token_endpoint)
    throw new Error("The identity provider's discovery document has no authorization or token endpoint.");
  return doc as Discovery;
}

/** Leaves for the identity provider's login; it comes back to /auth/callback. */
export async function startOidcSignIn(settings: OidcSettings, returnTo: string): Promise<void> {
  if (!crypto.subtle)
    throw new Error('Signing in needs a secure page: open the console over https:// (or on localhost).');
  const { authorization_endpoint, token_endpoint } = await discover(settings.issuer);
  const pending: Pending = {
    state: randomString(),
    verifier: randomString(),
    tokenEndpoint: token_endpoint,
    redirectUri: `${window.location.origin}/auth/callback`,
    clientId: settings.clientId,
    returnTo,
  };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const url = new URL(authorization_endpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', settings.clientId);
  url.searchParams.set('redirect_uri', pending.redirectUri);
  url.searchParams.set('scope', settings.scope);
  url.searchParams.set('state', pending.state);
  url.searchParams.set('code_challenge', await s256(pending.verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  // Some providers (Auth0) issue a JWT access token for an API only when asked for its audience.
  if (settings.audience) url.searchParams.set('audience', settings.audience);
  window.location.assign(url.href);
}

/**
 * On /auth/callback: checks `state`, trades the code and the verifier for an access token, and
 * answers it with the page to go back to. Throws with the provider's error when sign-in failed.
 */
export async function finishOidcSignIn(params: URLSearchParams): Promise<{ token: string; returnTo: string }> {
  const raw = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  const error = params.get('error');
  if (error) throw new Error(`The identity provider refused: ${error} ${params.get('error_description') ?? ''}`.trim());
  if (!raw) throw new Error('No sign-in was started in this tab. Start again from the sign-in page.');
  const pending = JSON.parse(raw) as Pending;
  // The state ties this answer to the request this tab made: anything else may be a forged login.
  if (params.get('state') !== pending.state) throw new Error('The sign-in answer does not match the request (state).');
  const code = params.get('code');
  if (!code) throw new Error('The identity provider sent no authorization code.');
  const res = await fetch(pending.tokenEndpoint, {
    method: 'POST',
    credentials: 'omit',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: pending.redirectUri,
      client_id: pending.clientId,
      code_verifier: pending.verifier,
    }),
  });
  const body = (await res.json().catch(() => ({}))) as { access_token?: string; error?: string };
  if (!res.ok || !body.access_token)
    throw new Error(`The identity provider did not issue a token: ${body.error ?? `HTTP ${res.status}`}`);
  return { token: body.access_token, returnTo: pending.returnTo };
}
