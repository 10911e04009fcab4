import { useState } from 'react';

/**
 * Forward-only keyset pages (the API's `first`/`after`) with a way back: the cursors of the pages
 * seen so far are kept, so "Previous" asks for the page before again. Starts over when `key`
 * (the filter) changes.
 */
export function usePages(key: string) {
  const [state, setState] = useState<{ key: string; cursors: (string | null)[] }>({ key, cursors: [null] });
  const cursors = state.key === key ? state.cursors : [null];
  return {
    after: cursors[cursors.length - 1] ?? null,
    page: cursors.length,
    hasPrevious: cursors.length > 1,
    next: (endCursor: string) => setState({ key, cursors: [...cursors, endCursor] }),
    previous: () => setState({ key, cursors: cursors.slice(0, -1) }),
  };
}
