import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { getToken, readClaims, setToken, subscribeToken } from './token-store';

export interface Auth {
  /** The bearer token, or null when signed out. */
  token: string | null;
  /** The token's `sub`, for display only. */
  subject: string | null;
  signIn: (token: string) => void;
  signOut: () => void;
}

const AuthContext = createContext<Auth | null>(null);

/** Provides the session to the app; signs out by itself when the token's `exp` passes. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [token, setCurrent] = useState<string | null>(getToken);
  useEffect(() => subscribeToken(setCurrent), []);

  useEffect(() => {
    if (!token) return;
    const exp = readClaims(token).exp;
    if (exp === undefined) return;
    const ms = exp * 1000 - Date.now();
    if (ms <= 0) {
      setToken(null);
      return;
    }
    // setTimeout holds at most 2^31-1 ms (~24.8 days); a longer token is re-armed on the next load.
    const timer = setTimeout(() => setToken(null), Math.min(ms, 2 ** 31 - 1));
    return () => clearTimeout(timer);
  }, [token]);

  const signIn = useCallback((next: string) => setToken(next.trim()), []);
  const signOut = useCallback(() => setToken(null), []);
  const value = useMemo<Auth>(
    () => ({ token, subject: token ? (readClaims(token).sub ?? null) : null, signIn, signOut }),
    [token, signIn, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside <AuthProvider>');
  return auth;
}
