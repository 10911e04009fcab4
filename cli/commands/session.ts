import { Command } from 'commander';
import { RegistryClient } from '../client';
import { CommandContext, withJson } from '../context';
import { CliError, EXIT } from '../errors';
import { WhoamiDocument } from '../graphql/generated';
import { printJson, printLine } from '../output';
import { normalizeServer, saveSettings } from '../settings';

/** `login` and `whoami`. */
export function registerSession(program: Command, ctx: CommandContext): void {
  withJson(
    program
      .command('login')
      .description('remember the server and your token (in your config directory, readable by you only)')
      .requiredOption('--server <url>', 'the server, e.g. http://127.0.0.1:4000')
      .option(
        '--token <token>',
        'a bearer token; `-` reads it from stdin, keeping it out of `ps` (default: MODEL_REGISTRY_TOKEN)',
      ),
  ).action(async (opts: { server: string; token?: string; json?: boolean }) => {
    const server = normalizeServer(opts.server);
    const token = opts.token === '-' ? await readStdin() : (opts.token ?? process.env.MODEL_REGISTRY_TOKEN);
    if (!token)
      throw new CliError(
        'No token given.',
        EXIT.usage,
        undefined,
        'Pipe it in with `--token -` or set MODEL_REGISTRY_TOKEN: in local mode `npm run -s token -- admin` (in the server folder) mints one; ' +
          'otherwise get one from your identity provider.',
      );
    // Check it before saving it: a typo should fail here, not on the next command.
    const { viewer } = await new RegistryClient({ server, token }).request(WhoamiDocument, {});
    const file = saveSettings({ server, token });
    if (opts.json) printJson({ server, subject: viewer.subject, configFile: file });
    else printLine(`Logged in to ${server} as ${viewer.subject} (saved in ${file}).`);
  });

  withJson(program.command('whoami').description('who the server sees you as, and your roles')).action(
    async (opts: { json?: boolean }) => {
      const client = ctx.client();
      const { viewer } = await client.request(WhoamiDocument, {});
      if (opts.json) return printJson({ server: client.settings.server, ...viewer });
      printLine(`${viewer.subject} on ${client.settings.server}${viewer.globalAdmin ? ' (global admin)' : ''}`);
      if (viewer.groups.length) printLine(`groups: ${viewer.groups.join(', ')}`);
      for (const r of viewer.roles) printLine(`${r.registry.name}: ${r.role}`);
    },
  );
}

/** The token piped in (`… | model-registry login --token -`), trimmed of its newline; empty when none came. */
async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += (chunk as Buffer).toString();
  return text.trim();
}
