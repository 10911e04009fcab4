import { Command } from 'commander';
import { RegistryClient } from '../client';
import { CommandContext, withJson } from '../context';
import { CliError } from '../errors';
import { RegistryAdminsDocument, RemoveAliasDocument, SetAliasDocument } from '../graphql/generated';
import { printJson, printLine } from '../output';
import { parseModelRef } from '../refs';

/** `alias set` and `alias rm`. */
export function registerAlias(program: Command, ctx: CommandContext): void {
  const alias = program.command('alias').description('point an alias (staging, production, …) at a version');

  withJson(
    alias
      .command('set')
      .description('point ALIAS at VERSION, moving it if it points elsewhere')
      .argument('<model>', 'REGISTRY/MODEL, e.g. vision/MNIST')
      .argument('<alias>', 'e.g. production')
      .argument('<version>', 'v3, or another alias')
      .option('--expected <version>', 'fail with a conflict unless the alias points at this version now')
      .option('--reason <text>', 'why; kept in the alias history'),
  ).action(async (raw: string, name: string, version: string, opts: AliasOptions) => {
    const { registry, model } = parseModelRef(raw);
    const client = ctx.client();
    const { setAlias } = await denialExplained(client, registry, name, () =>
      client.request(SetAliasDocument, {
        input: { registry, model, alias: name, version, expectedVersion: opts.expected, reason: opts.reason },
      }),
    );
    if (opts.json) return printJson(setAlias);
    const from = setAlias.previousVersion ? ` (was ${setAlias.previousVersion.name})` : '';
    printLine(
      setAlias.changed
        ? `${registry}/${model}:${name} -> ${setAlias.alias.version.name}${from}`
        : `${registry}/${model}:${name} already points at ${setAlias.alias.version.name}: nothing changed.`,
    );
  });

  withJson(
    alias
      .command('rm')
      .description('remove an alias')
      .argument('<model>', 'REGISTRY/MODEL')
      .argument('<alias>', 'e.g. staging')
      .option('--expected <version>', 'fail with a conflict unless the alias points at this version now')
      .option('--reason <text>', 'why; kept in the alias history'),
  ).action(async (raw: string, name: string, opts: AliasOptions) => {
    const { registry, model } = parseModelRef(raw);
    const client = ctx.client();
    const { removeAlias } = await denialExplained(client, registry, name, () =>
      client.request(RemoveAliasDocument, {
        input: { registry, model, alias: name, expectedVersion: opts.expected, reason: opts.reason },
      }),
    );
    if (opts.json) return printJson(removeAlias);
    printLine(`Removed ${registry}/${model}:${name} (was ${removeAlias.previousVersion.name}).`);
  });
}

interface AliasOptions {
  expected?: string;
  reason?: string;
  json?: boolean;
}

/**
 * A FORBIDDEN on a protected alias says who may move it: the registry's admins, when the caller
 * may read its members, and global admins.
 */
async function denialExplained<T>(
  client: RegistryClient,
  registry: string,
  alias: string,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!(err instanceof CliError) || err.code !== 'FORBIDDEN') throw err;
    const found = await client.request(RegistryAdminsDocument, { registry }).catch(() => null);
    const protectedAlias = found?.registry?.protectedAliases.some((p) => p.toLowerCase() === alias.toLowerCase());
    if (!protectedAlias) throw err;
    const admins = found!.registry!.members.filter((m) => m.role === 'ADMIN').map((m) => m.subject);
    throw new CliError(
      `"${alias}" is protected in ${registry}: only its admins may set, move or remove it.`,
      err.exitCode,
      err.code,
      `Ask ${admins.length ? `one of its admins (${admins.join(', ')}) or ` : ''}a global admin to move it, ` +
        'or use an unprotected alias such as staging.',
    );
  }
}
