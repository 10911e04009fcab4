/**
 * Where the console keeps its bearer token: in memory and in sessionStorage (`mr.token`), so a
 * reload keeps the session and closing the tab ends it. Never in a URL, never in localStorage.
 */
const KEY = 'mr.token';

type Listener = (token: string | null) => void;
const listeners = new Set<Listener>();
let current: string | null = readStored();

function readStored(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null; // storage disabled: memory only
  }
}

export function getToken(): string | null {
  return current;
}

export function setToken(token: string | null): void {
  current = token;
  try {
    if (token === null) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, token);
  } catch {
    // storage disabled: memory only
  }
  for (const listener of listeners) listener(token);
}

export function subscribeToken(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * `/login#token=<jwt>` (what `model-registry login --web` prints): the fragment never reaches the
 * server; take the token and replace the history entry so it is not kept in the address bar,
 * the history or a bookmark. Returns whether a token was taken.
 */
export function takeTokenFromFragment(location: Location, history: History): boolean {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = params.get('token');
  if (!token) return false;
  params.delete('token');
  const rest = params.toString();
  history.replaceState(history.state, '', location.pathname + location.search + (rest ? `#${rest}` : ''));
  setToken(token.trim());
  return true;
}

/**
 * The token's claims as the browser can read them (no signature check: the server checks tokens;
 * this only tells the console when to send the user back to /login and whom to name in the header).
 */
export function readClaims(token: string): { sub?: string; exp?: number } {
  const payload = token.split('.')[1];
  if (!payload) return {};
  try {
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
    return {
      sub: typeof claims.sub === 'string' ? claims.sub : undefined,
      exp: typeof claims.exp === 'number' ? claims.exp : undefined,
    };
  } catch {
    return {};
  }
}
