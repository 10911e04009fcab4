import { useQuery } from 'urql';
import { graphql } from '../gql';
import type { Role } from '../gql/graphql';

export const ViewerQuery = graphql(`
  query ConsoleViewer {
    viewer {
      subject
      globalAdmin
      roles {
        role
        registry {
          id
          name
        }
      }
    }
  }
`);

export interface RegistryAccess {
  /** Still loading (or failed): callers show nothing that depends on it. */
  known: boolean;
  /** The caller's strongest role bound in this registry; null without a binding (e.g. ORGANIZATION readers). */
  role: Role | null;
  /** Registry admin or global admin: may read the audit log and manage webhooks. */
  admin: boolean;
  /** May GET the registry's blobs (`blob:read`): everyone who reads it but RESTRICTED_VIEWERs (docs/files.md). */
  canDownload: boolean;
}

/**
 * What the server says the caller may do in a registry (Query.viewer). The console only uses it to
 * hide what would be refused anyway; the server checks every request regardless.
 */
export function useRegistryAccess(registry: string | undefined): RegistryAccess {
  const [{ data }] = useQuery({ query: ViewerQuery });
  if (!data || !registry) return { known: false, role: null, admin: false, canDownload: false };
  const { globalAdmin, roles } = data.viewer;
  const role = roles.find((r) => r.registry.name === registry)?.role ?? null;
  return {
    known: true,
    role,
    admin: globalAdmin || role === 'ADMIN',
    // A global admin holds every permission; a caller with no binding in an ORGANIZATION registry is a VIEWER.
    canDownload: globalAdmin || role !== 'RESTRICTED_VIEWER',
  };
}
