import { Command } from 'commander';
import { RegistryClient } from '../client';
import { CommandContext, withJson } from '../context';
import { CliError, EXIT } from '../errors';
import { WhoamiDocument } from '../graphql/generated';
import { printJson, printLine } from '../output';
import { loadSettings, normalizeServer, saveSettings } from '../settings';

/** `login` and `whoami`. */
export function registerSession(program: Command, ctx: CommandContext): void {
  withJson(
    program
      .command('login')
      .description('remember the server and your token (in your config directory, readable by you only)')
      .option('--server <url>', 'the server, e.g. http://127.0.0.1:4000 (required unless --web)')
      .option(
        '--token <token>',
        'a bearer token; `-` reads it from stdin, keeping it out of `ps` (default: MODEL_REGISTRY_TOKEN)',
      )
      .option('--web', "print a link that signs the web console in with this CLI's session; saves nothing"),
  ).action(async (opts: { server?: string; token?: string; web?: boolean; json?: boolean }) => {
    if (opts.web) return printWebLogin(opts);
    if (!opts.server)
      throw new CliError(
        'No server given.',
        EXIT.usage,
        undefined,
        'Run `model-registry login --server http://HOST:PORT` (with MODEL_REGISTRY_TOKEN set or `--token -`).',
      );
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

/**
 * `login --web`: the console's `/login#token=…` link for the saved session (or `--server`/`--token`).
 * The token rides in the fragment, which browsers never send to the server, and the console removes
 * it from the address bar at once (docs/console.md). The link is as secret as the token: it is
 * printed, never opened by the CLI, so it does not land in another process's arguments.
 */
async function printWebLogin(opts: { server?: string; token?: string; json?: boolean }): Promise<void> {
  const saved = opts.server ? null : loadSettings();
  const server = opts.server ? normalizeServer(opts.server) : saved!.server;
  const token =
    opts.token === '-' ? await readStdin() : (opts.token ?? (saved ? saved.token : process.env.MODEL_REGISTRY_TOKEN));
  if (!token)
    throw new CliError(
      'Not logged in: there is no token to sign the console in with.',
      EXIT.unauthenticated,
      undefined,
      'Run `MODEL_REGISTRY_TOKEN=TOKEN model-registry login --server URL` first, or open the console and sign in there.',
    );
  // A link with a refused token would only bounce off the sign-in page: check it first.
  const { viewer } = await new RegistryClient({ server, token }).request(WhoamiDocument, {});
  const url = `${server}/login#token=${encodeURIComponent(token)}`;
  if (opts.json) return printJson({ server, subject: viewer.subject, url });
  printLine(url);
  process.stderr.write(
    `Open this link to use the console as ${viewer.subject}. It carries your token: do not share it; it works until the token expires.\n`,
  );
}

/** The token piped in (`… | model-registry login --token -`), trimmed of its newline; empty when none came. */
async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += (chunk as Buffer).toString();
  return text.trim();
}
