import { useEffect, useState, type FormEvent } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useAuth } from '../../app/auth';
import { loadConsoleConfig, type ConsoleConfig } from '../../app/console-config';
import { startOidcSignIn } from '../../app/oidc';
import { returnPath } from '../../app/RequireAuth';

/**
 * Sign-in. With OIDC (the server has AUTH_OIDC_CLIENT_ID): through the identity provider. Always:
 * paste a token (`npm run token -- alice`, or an access token from the identity provider), or
 * open the link `model-registry login --web` prints (its `#token=` was taken in main.tsx).
 */
export function LoginPage() {
  const { token, signIn } = useAuth();
  const location = useLocation();
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  const [pasted, setPasted] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    loadConsoleConfig().then(setConfig, (err: Error) => setProblem(err.message));
  }, []);

  if (token) return <Navigate to={returnPath(location.state)} replace />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = pasted.trim();
    // A JWT is three base64url parts; anything else is a paste mistake worth saying so at once.
    if (!/^[\w-]+\.[\w-]+\.[\w-]*$/.test(value)) {
      setProblem('That does not look like a token (a JWT: three parts separated by dots).');
      return;
    }
    signIn(value);
  };

  const oidc = config?.auth.mode === 'oidc' ? config.auth : null;
  const pasteForm = (
    <form onSubmit={submit} className="login__form">
      <label htmlFor="token">Access token</label>
      <textarea
        id="token"
        name="token"
        rows={4}
        autoComplete="off"
        spellCheck={false}
        value={pasted}
        onChange={(e) => setPasted(e.target.value)}
        aria-describedby="token-help"
      />
      <p id="token-help" className="hint">
        Paste a bearer token, or run <code>model-registry login --web</code> and open the link it prints.
      </p>
      <button type="submit">Sign in with this token</button>
    </form>
  );

  return (
    <main id="main" className="login">
      <h1>Sign in to the model registry</h1>
      {problem && (
        <p role="alert" className="error-banner">
          {problem}
        </p>
      )}
      {oidc ? (
        <>
          <button
            type="button"
            className="login__oidc"
            onClick={() => {
              setProblem(null);
              startOidcSignIn(oidc, returnPath(location.state)).catch((err: Error) => setProblem(err.message));
            }}
          >
            Sign in with {new URL(oidc.issuer).host}
          </button>
          <details className="login__other">
            <summary>Sign in with a token instead</summary>
            {pasteForm}
          </details>
        </>
      ) : (
        pasteForm
      )}
    </main>
  );
}
