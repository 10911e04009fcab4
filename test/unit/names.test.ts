import path from 'node:path';
import { duplicateExports } from '../support/duplicate-exports';

// One name, one meaning, one declaration (docs/architecture.md, "Names"): an exported name is
// declared in one file of src/. A GraphQL input keeps its schema name in *.types.ts; the
// service's own parameters are *Params.

describe('exported names', () => {
  it('declares every exported name of src/ in exactly one file', () => {
    const found = duplicateExports(path.join(__dirname, '..', '..', 'src'));
    const twice = [...found].map(([name, files]) => `${name}: ${files.join(', ')}`);
    expect(twice).toEqual([]);
  });
});
