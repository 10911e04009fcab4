import { beforeEach, describe, expect, it } from 'vitest';
import { getToken, readClaims, setToken, takeTokenFromFragment } from './token-store';

const jwt = (claims: object) => `eyJhbGciOiJFUzI1NiJ9.${btoa(JSON.stringify(claims)).replace(/=+$/, '')}.sig`;

describe('token store', () => {
  beforeEach(() => setToken(null));

  it('takes a #token= fragment, keeps it in sessionStorage and erases it from the URL', () => {
    window.history.replaceState(null, '', '/login?x=1#token=abc.def.ghi');
    expect(takeTokenFromFragment(window.location, window.history)).toBe(true);
    expect(getToken()).toBe('abc.def.ghi');
    expect(sessionStorage.getItem('mr.token')).toBe('abc.def.ghi');
    expect(window.location.href).not.toContain('abc.def.ghi');
    expect(window.location.pathname + window.location.search + window.location.hash).toBe('/login?x=1');
  });

  it('leaves a URL without a token alone', () => {
    window.history.replaceState(null, '', '/login#other=1');
    expect(takeTokenFromFragment(window.location, window.history)).toBe(false);
    expect(window.location.hash).toBe('#other=1');
    expect(getToken()).toBeNull();
  });

  it('reads sub and exp, and nothing from garbage', () => {
    expect(readClaims(jwt({ sub: 'alice', exp: 100 }))).toEqual({ sub: 'alice', exp: 100 });
    expect(readClaims('not a token')).toEqual({});
  });
});
