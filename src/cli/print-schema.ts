import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { buildRegistrySchema, printRegistrySchema } from '../graphql/schema';

/**
 * `npm run schema:print` writes schema/schema.graphql from the code; `npm run schema:check`
 * fails when the checked-in file differs, so API changes are always reviewed as SDL. Both take
 * the SDL from `{ _service { sdl } }` run on the schema the server serves, so the file is the
 * subgraph's own SDL, byte for byte (test/api/schema.test.ts also asks a running server over HTTP).
 */
export const SCHEMA_FILE = path.join(__dirname, '..', '..', 'schema', 'schema.graphql');

async function main(): Promise<void> {
  const sdl = await printRegistrySchema(await buildRegistrySchema());
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, 'utf8') : '';
    if (current !== sdl) {
      process.stderr.write(
        `${path.relative(process.cwd(), SCHEMA_FILE)} is stale: run \`npm run schema:print\` and commit the result.\n`,
      );
      process.exit(1);
    }
    process.stdout.write('schema/schema.graphql is up to date.\n');
    return;
  }
  fs.writeFileSync(SCHEMA_FILE, sdl);
  process.stdout.write(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
