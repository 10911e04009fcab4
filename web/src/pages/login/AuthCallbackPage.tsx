import { Placeholder } from '../../components/Placeholder';

/** The OIDC redirect URI (`<server>/auth/callback`): exchanges the authorization code for a token. */
export default function AuthCallbackPage() {
  return <Placeholder title="Signing in…" />;
}
