import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * web/dist of this package: two levels up from src/console when run from sources, three from
 * dist/src/console when compiled. The first that exists, else the sources' one (the server then
 * answers `/` with how to build the console).
 */
export function defaultConsoleDir(): string {
  const candidates = [
    path.join(__dirname, '..', '..', 'web', 'dist'),
    path.join(__dirname, '..', '..', '..', 'web', 'dist'),
  ];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? candidates[0];
}
