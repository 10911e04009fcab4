import { readFileSync } from 'node:fs';
import path from 'node:path';

// docs/configuration.md promises to list every variable the server reads. src/config.ts is the
// one module that reads the environment, so every name it mentions must have a row there.

const root = path.join(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** Every environment variable src/config.ts reads: `env.NAME`, `(env, 'NAME'` and quoted `'A_B'` names. */
export function variablesRead(source: string): Set<string> {
  const names = new Set<string>();
  for (const m of source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)) names.add(m[1]);
  for (const m of source.matchAll(/\(env, '([A-Z][A-Z0-9_]*)'/g)) names.add(m[1]);
  for (const m of source.matchAll(/'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g)) names.add(m[1]);
  return names;
}

/** Every variable named in the first column of a table of docs/configuration.md (not HTTP methods). */
export function variablesDocumented(doc: string): Set<string> {
  const names = new Set<string>();
  for (const line of doc.split('\n')) {
    const first = /^\|([^|]*)\|/.exec(line)?.[1] ?? '';
    for (const m of first.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) if (!/^(GET|HEAD|PUT|POST)$/.test(m[1])) names.add(m[1]);
  }
  return names;
}

describe('docs/configuration.md', () => {
  it('lists every environment variable src/config.ts reads, and none it does not', () => {
    const read_ = [...variablesRead(read('src/config.ts'))].sort();
    const documented = [...variablesDocumented(read('docs/configuration.md'))].sort();
    expect(read_.length).toBeGreaterThan(40);
    expect(documented).toEqual(read_);
  });
});
