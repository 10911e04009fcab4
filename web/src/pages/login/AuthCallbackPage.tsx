import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useAuth } from '../../app/auth';
import { finishOidcSignIn } from '../../app/oidc';
import { returnPath } from '../../app/RequireAuth';

/** The OIDC redirect URI (`<server>/auth/callback`): trades the authorization code for a token. */
export default function AuthCallbackPage() {
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const [problem, setProblem] = useState<string | null>(null);
  // StrictMode runs effects twice in development; a code can be traded once.
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const params = new URLSearchParams(window.location.search);
    // The code and state leave the address bar and history before anything else happens.
    window.history.replaceState(null, '', '/auth/callback');
    finishOidcSignIn(params).then(
      ({ token, returnTo }) => {
        signIn(token);
        void navigate(returnPath({ from: returnTo }), { replace: true });
      },
      (err: Error) => setProblem(err.message),
    );
  }, [signIn, navigate]);

  return (
    <main id="main" className="login">
      <h1>Signing in…</h1>
      {problem && (
        <>
          <p role="alert" className="error-banner">
            {problem}
          </p>
          <p>
            <Link to="/login">Back to sign-in</Link>
          </p>
        </>
      )}
    </main>
  );
}
