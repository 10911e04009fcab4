import { Command, InvalidArgumentError } from 'commander';
import { allPages, CommandContext, withJson } from '../context';
import { CliError, EXIT } from '../errors';
import {
  AliasHistoryDocument,
  CreateRegistryDocument,
  ModelsDocument,
  RegistriesDocument,
  VersionLineageDocument,
  VersionsDocument,
} from '../graphql/generated';
import { printJson, printLine, printTable } from '../output';
import { parseModelRef, parseVersionRef } from '../refs';

const notFound = (what: string) => new CliError(`${what} does not exist (or you may not read it).`, EXIT.notFound);
const metricsText = (m: Record<string, unknown>) =>
  Object.entries(m)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');

/** The read commands (registries, models, versions, history, lineage) and `registry create`. */
export function registerBrowse(program: Command, ctx: CommandContext): void {
  withJson(program.command('registries').description('the registries you can read')).action(
    async (opts: { json?: boolean }) => {
      const client = ctx.client();
      const items = await allPages(async (after) => (await client.request(RegistriesDocument, { after })).registries);
      if (opts.json) return printJson(items);
      printTable(
        ['NAME', 'VISIBILITY', 'PROTECTED', 'DESCRIPTION'],
        items.map((r) => [r.name, r.visibility, r.protectedAliases.join(','), r.description ?? '']),
        'No registries yet: `model-registry registry create NAME` makes one (global admins).',
      );
    },
  );

  withJson(
    program
      .command('registry')
      .description('manage registries')
      .command('create')
      .description('create a registry (global admins)')
      .argument('<name>', 'e.g. vision')
      .option('--description <text>', 'what it holds'),
  ).action(async (name: string, opts: { description?: string; json?: boolean }) => {
    const { createRegistry } = await ctx
      .client()
      .request(
        CreateRegistryDocument,
        { input: { name, description: opts.description } },
        { FORBIDDEN: "Creating a registry needs a global admin: a subject listed in the server's AUTH_ADMINS." },
      );
    if (opts.json) return printJson(createRegistry.registry);
    printLine(`Created ${name} (protected aliases: ${createRegistry.registry.protectedAliases.join(', ')}).`);
  });

  withJson(program.command('models').description('the models of a registry').argument('<registry>')).action(
    async (registry: string, opts: { json?: boolean }) => {
      const client = ctx.client();
      const items = await allPages(async (after) => {
        const found = (await client.request(ModelsDocument, { registry, after })).registry;
        if (!found) throw notFound(`Registry ${registry}`);
        return found.models;
      });
      if (opts.json) return printJson(items);
      printTable(
        ['NAME', 'LATEST', 'ALIASES', 'UPDATED'],
        items.map((m) => [m.name, m.latestVersion?.name ?? '-', m.aliases.map((a) => a.name).join(','), m.updatedAt]),
        `No models in ${registry} yet: \`model-registry link PATH --registry ${registry} --model NAME\` makes one.`,
      );
    },
  );

  withJson(
    program
      .command('versions')
      .description("a model's versions, newest first or best first by a metric")
      .argument('<model>', 'REGISTRY/MODEL')
      .option('--order-by <metric>', 'order by this metric, highest first'),
  ).action(async (raw: string, opts: { orderBy?: string; json?: boolean }) => {
    const { registry, model } = parseModelRef(raw);
    const client = ctx.client();
    const orderBy = opts.orderBy
      ? { field: 'METRIC' as const, metric: opts.orderBy, direction: 'DESC' as const }
      : null;
    const items = await allPages(async (after) => {
      const found = (await client.request(VersionsDocument, { registry, model, orderBy, after })).model;
      if (!found) throw notFound(`Model ${raw}`);
      return found.versions;
    });
    if (opts.json) return printJson(items);
    printTable(
      ['VERSION', 'ALIASES', 'METRICS', 'TAGS', 'CREATED', 'BY'],
      items.map((v) => [
        v.name,
        v.aliases.join(','),
        metricsText(v.metrics),
        v.tags.join(','),
        v.createdAt,
        v.createdBy.id,
      ]),
      `${raw} has no versions.`,
    );
  });

  withJson(
    program
      .command('history')
      .description('who moved which alias when, newest first')
      .argument('<model>', 'REGISTRY/MODEL')
      .option('--alias <alias>', 'only this alias'),
  ).action(async (raw: string, opts: { alias?: string; json?: boolean }) => {
    const { registry, model } = parseModelRef(raw);
    const client = ctx.client();
    const items = await allPages(async (after) => {
      const found = (await client.request(AliasHistoryDocument, { registry, model, alias: opts.alias, after })).model;
      if (!found) throw notFound(`Model ${raw}`);
      return found.aliasHistory;
    });
    if (opts.json) return printJson(items);
    printTable(
      ['AT', 'ALIAS', 'FROM', 'TO', 'BY', 'REASON'],
      items.map((e) => [
        e.at,
        e.alias,
        e.fromVersion?.name ?? '-',
        e.toVersion?.name ?? '(removed)',
        e.actor.id,
        e.reason ?? '',
      ]),
      'No alias moves yet.',
    );
  });

  withJson(
    program
      .command('lineage')
      .description('what produced a version and what used it')
      .argument('<ref>', 'REGISTRY/MODEL:REF')
      .option('--depth <n>', 'how many edges to follow (default 3)', parseDepth)
      .option('--mermaid', 'print a Mermaid flowchart'),
  ).action(async (raw: string, opts: { depth?: number; mermaid?: boolean; json?: boolean }) => {
    const ref = parseVersionRef(raw, 'latest');
    const { modelVersion: v } = await ctx.client().request(VersionLineageDocument, { ...ref, depth: opts.depth });
    if (!v) throw notFound(raw);
    if (opts.json) return printJson(v.lineage);
    if (opts.mermaid) return printLine(v.lineage.mermaid);
    const names = new Map(v.lineage.nodes.map((n) => [n.id, n.redacted ? '(hidden)' : `${n.kind} ${n.name ?? n.id}`]));
    printLine(v.fullName);
    for (const e of v.lineage.edges) printLine(`  ${names.get(e.from)} -${e.kind}-> ${names.get(e.to)}`);
    if (v.lineage.edges.length === 0) printLine('  no lineage recorded (link with --run to record it)');
    if (v.lineage.truncated) printLine('  (truncated: ask for a smaller --depth)');
  });
}

function parseDepth(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('--depth takes a whole number, e.g. 3.');
  return Number(value);
}
