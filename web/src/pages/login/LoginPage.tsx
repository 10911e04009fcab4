import { useState, type FormEvent } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useAuth } from '../../app/auth';
import { returnPath } from '../../app/RequireAuth';

/**
 * Sign-in. Local mode: paste a token (`model-registry token …`, or your identity provider's access
 * token), or open the link `model-registry login --web` prints (its `#token=` was taken in main.tsx).
 */
export function LoginPage() {
  const { token, signIn } = useAuth();
  const location = useLocation();
  const [pasted, setPasted] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

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

  return (
    <main id="main" className="login">
      <h1>Sign in to the model registry</h1>
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
        {problem && (
          <p role="alert" className="error-banner">
            {problem}
          </p>
        )}
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
