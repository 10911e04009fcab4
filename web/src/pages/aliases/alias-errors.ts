import type { CombinedError } from 'urql';

export type MoveFailure =
  | { kind: 'conflict'; message: string; currentVersion: string | null }
  | { kind: 'forbidden'; message: string }
  | { kind: 'other'; message: string; code: string };

/**
 * A failed setAlias as the user should read it. CONFLICT is the compare-and-swap refusing because
 * the alias moved since the page was loaded (`extensions.currentVersion` says where it points now).
 */
export function describeMoveFailure(error: CombinedError, alias: string, expected: string | null): MoveFailure {
  const first = error.graphQLErrors[0];
  const raw = first?.extensions?.code;
  const code = error.networkError ? 'NETWORK_ERROR' : typeof raw === 'string' ? raw : 'ERROR';
  if (code === 'CONFLICT' && first && 'currentVersion' in (first.extensions ?? {})) {
    const current = first.extensions.currentVersion;
    const now = typeof current === 'string' ? current : null;
    return {
      kind: 'conflict',
      currentVersion: now,
      message: `Someone moved "${alias}" first: it now points at ${now ?? 'nothing'}${
        expected ? `, not ${expected} as this page showed` : ''
      }. Nothing was changed.`,
    };
  }
  if (code === 'FORBIDDEN')
    return { kind: 'forbidden', message: `FORBIDDEN: the server refused to move "${alias}" for you.` };
  return { kind: 'other', code, message: `${code}: ${first?.message ?? error.networkError?.message ?? error.message}` };
}
