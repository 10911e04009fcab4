import { Command } from 'commander';
import { CommandContext, withJson } from '../context';
import { hashFile, listFiles, LocalFile, localFsError } from '../files/local-files';
import { uploadMissing } from '../files/upload';
import { LinkVersionDocument } from '../graphql/generated';
import { printJson, printLine } from '../output';
import { formatBytes } from '../progress';
import { parseMetric } from '../refs';

const collect = (value: string, previous: string[] = []) => [...previous, value];

interface LinkOptions {
  registry: string;
  model: string;
  alias?: string[];
  metric?: Record<string, number>;
  tag?: string[];
  description?: string;
  run?: string;
  idempotencyKey?: string;
  dedupe?: boolean;
  json?: boolean;
}

/** `link PATH...`: hash, upload what the server lacks, link a version made of the files. */
export function registerLink(program: Command, ctx: CommandContext): void {
  withJson(
    program
      .command('link')
      .description('upload files (or directories) and link them as a new version of a model')
      .argument('<path...>', 'files or directories (a directory is linked as the files inside it)')
      .requiredOption('--registry <registry>', 'the registry, e.g. vision')
      .requiredOption('--model <model>', 'the model, created on its first link, e.g. MNIST')
      .option('--alias <alias>', 'point this alias at the new version (repeatable)', collect)
      .option('--metric <name=value>', 'a metric (repeatable), e.g. --metric acc=0.93', parseMetric)
      .option('--tag <tag>', 'a tag (repeatable)', collect)
      .option('--description <text>', 'what this version is')
      .option('--run <id>', 'the run that produced it (lineage)')
      .option('--idempotency-key <key>', 'retrying with the same key links nothing new')
      .option('--dedupe', 'answer an existing version with identical files instead of linking a new one'),
  ).action(async (paths: string[], opts: LinkOptions) => {
    const client = ctx.client();
    const files: LocalFile[] = [];
    for (const f of listFiles(paths)) {
      const hashed = await hashFile(f.source).catch((err: unknown) => Promise.reject(localFsError(err, f.source)));
      files.push({ ...f, ...hashed });
    }
    const sent = await uploadMissing(client, opts.registry, files);
    const { linkModelVersion: linked } = await client.request(LinkVersionDocument, {
      input: {
        registry: opts.registry,
        model: opts.model,
        artifact: { files: files.map(({ path, digest, sizeBytes }) => ({ path, digest, sizeBytes })) },
        aliases: opts.alias,
        metrics: opts.metric,
        tags: opts.tag,
        description: opts.description,
        run: opts.run,
        idempotencyKey: opts.idempotencyKey,
        dedupe: opts.dedupe ?? false,
      },
    });
    const v = linked.version;
    if (opts.json)
      return printJson({ ...linked, uploaded: { blobs: sent.uploaded, bytes: sent.bytes }, files: files.length });
    if (!linked.created)
      process.stderr.write(
        linked.replayed
          ? `Already linked with this idempotency key: nothing new.\n`
          : `Identical files are already ${v.fullName} (--dedupe): nothing new.\n`,
      );
    else {
      const hadSome = sent.uploaded < new Set(files.map((f) => f.digest)).size;
      process.stderr.write(
        `Linked ${files.length} file(s), ${formatBytes(v.artifact.sizeBytes)}; uploaded ${sent.uploaded} ` +
          `(${formatBytes(sent.bytes)})${hadSome ? ', the rest the server had' : ''}.` +
          `${linked.modelCreated ? ' New model.' : ''}\n`,
      );
    }
    printLine(v.fullName);
  });
}
