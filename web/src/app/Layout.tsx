import { Link, NavLink, Outlet, useParams } from 'react-router';
import { useAuth } from './auth';
import { useRegistryAccess } from './viewer';
import './responsive.css';

/** The shell around every signed-in page: header, navigation, the signed-in subject and sign-out. */
export function Layout() {
  const { subject, signOut } = useAuth();
  const { registry } = useParams();
  // Admin pages are linked only for those the server names registry admins (Query.viewer).
  const { admin } = useRegistryAccess(registry);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell__header">
        <Link to="/" className="shell__brand">
          Model registry
        </Link>
        <nav aria-label="Main" className="shell__nav">
          <NavLink to="/" end>
            Registries
          </NavLink>
          {registry && (
            <>
              <NavLink to={`/r/${encodeURIComponent(registry)}`} end>
                {registry}
              </NavLink>
              {admin && (
                <>
                  <NavLink to={`/r/${encodeURIComponent(registry)}/audit`}>Audit</NavLink>
                  <NavLink to={`/r/${encodeURIComponent(registry)}/webhooks`}>Webhooks</NavLink>
                </>
              )}
            </>
          )}
        </nav>
        <div className="shell__session">
          {subject && <span className="shell__subject">{subject}</span>}
          {/* Signed out, RequireAuth sends the user to /login. */}
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" className="shell__main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
