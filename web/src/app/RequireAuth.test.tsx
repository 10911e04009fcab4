import { render, screen } from '@testing-library/react';
import { createMemoryRouter, RouterProvider, useLocation } from 'react-router';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthProvider } from './auth';
import { RequireAuth, returnPath } from './RequireAuth';
import { setToken } from './token-store';

function LoginProbe() {
  const location = useLocation();
  return <p>login, from {returnPath(location.state)}</p>;
}

const renderAt = (url: string) =>
  render(
    <AuthProvider>
      <RouterProvider
        router={createMemoryRouter(
          [
            { path: '/login', element: <LoginProbe /> },
            {
              path: '/r/:registry',
              element: (
                <RequireAuth>
                  <p>registry page</p>
                </RequireAuth>
              ),
            },
          ],
          { initialEntries: [url] },
        )}
      />
    </AuthProvider>,
  );

describe('RequireAuth', () => {
  afterEach(() => setToken(null));

  it('sends a signed-out visitor to /login, remembering the page and its query', async () => {
    renderAt('/r/vision?q=mn');
    expect(await screen.findByText('login, from /r/vision?q=mn')).toBeTruthy();
  });

  it('shows the page to a signed-in user', async () => {
    setToken('a.b.c');
    renderAt('/r/vision');
    expect(await screen.findByText('registry page')).toBeTruthy();
  });
});

describe('returnPath', () => {
  it('goes back only to a path of this console', () => {
    expect(returnPath({ from: '/r/vision' })).toBe('/r/vision');
    expect(returnPath({ from: '//evil.example/x' })).toBe('/');
    expect(returnPath({ from: 'https://evil.example/' })).toBe('/');
    expect(returnPath(null)).toBe('/');
    expect(returnPath({ from: 42 })).toBe('/');
  });
});
