import { Command, CommanderError } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { registerAlias } from './commands/alias';
import { registerBrowse } from './commands/browse';
import { registerLink } from './commands/link';
import { registerPull } from './commands/pull';
import { registerSession } from './commands/session';
import { CommandContext, createContext } from './context';
import { CliError, EXIT } from './errors';

/** The `model-registry` program: every command, with usage errors exiting EXIT.usage (docs/cli.md). */
export function buildProgram(ctx: CommandContext): Command {
  const program = new Command('model-registry')
    .description('Link, promote and pull model versions of a model registry server (docs/cli.md).')
    .version(packageVersion())
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  registerSession(program, ctx);
  registerLink(program, ctx);
  registerPull(program, ctx);
  registerAlias(program, ctx);
  registerBrowse(program, ctx);
  return program;
}

/** The package's version: package.json is one folder up from the sources, two from dist/cli. */
function packageVersion(): string {
  for (const up of ['..', '../..']) {
    const file = path.resolve(__dirname, up, 'package.json');
    if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}

/** Runs the CLI and answers its exit code; never throws. */
export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    await buildProgram(createContext(env)).parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError)
      // Help and --version are not failures; everything else commander refuses is a usage error.
      return ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(err.code)
        ? EXIT.ok
        : EXIT.usage;
    if (err instanceof CliError) {
      process.stderr.write(`error: ${err.message}${err.code ? ` [${err.code}]` : ''}\n`);
      if (err.hint) process.stderr.write(`${err.hint}\n`);
      return err.exitCode;
    }
    process.stderr.write(`unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
    return EXIT.unexpected;
  }
}

if (require.main === module) {
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
