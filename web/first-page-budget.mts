import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** The budget (#17): the JavaScript the first page loads, gzipped. */
export const FIRST_PAGE_BUDGET_KB = 250;

/**
 * Prints, after each build, the gzipped size of the JavaScript the first page loads (the entry
 * chunk and every chunk it imports statically; lazy pages are not counted) beside the budget, and
 * fails the build past it: a heavy library imported eagerly shows up here, not in production.
 */
export function firstPageBudget(budgetKb = FIRST_PAGE_BUDGET_KB): Plugin {
  return {
    name: 'first-page-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map(
        Object.values(bundle)
          .filter((item) => item.type === 'chunk')
          .map((chunk) => [chunk.fileName, chunk]),
      );
      const loaded = new Set<string>();
      const visit = (fileName: string) => {
        const chunk = chunks.get(fileName);
        if (!chunk || loaded.has(fileName)) return;
        loaded.add(fileName);
        chunk.imports.forEach(visit);
      };
      for (const chunk of chunks.values()) if (chunk.isEntry) visit(chunk.fileName);
      const bytes = [...loaded].reduce((sum, name) => sum + gzipSync(chunks.get(name)!.code, { level: 9 }).length, 0);
      const kb = bytes / 1024;
      const line = `first page JS: ${kb.toFixed(1)} KB gzipped in ${loaded.size} file(s); budget ${budgetKb} KB`;
      if (kb > budgetKb) this.error(`${line}: over budget. Lazy-load the heavy page (web/src/app/routes.tsx).`);
      console.log(line);
    },
  };
}
