import { Command } from 'commander';
import { CommandContext, withJson } from '../context';
import { CliError, EXIT } from '../errors';
import { pullFiles, RemoteFile } from '../files/download';
import { VersionFilesDocument } from '../graphql/generated';
import { printJson, printLine } from '../output';
import { formatBytes } from '../progress';
import { parseVersionRef } from '../refs';

/** `pull R/M:REF [-o DIR]`: download a version's files, verified, resuming what was cut off. */
export function registerPull(program: Command, ctx: CommandContext): void {
  withJson(
    program
      .command('pull')
      .description("download a version's files and verify their digests (resumes an interrupted pull)")
      .argument('<ref>', 'REGISTRY/MODEL:REF, where REF is v3, latest or an alias, e.g. vision/MNIST:production')
      .option('-o, --output <dir>', 'where to put the files (default: ./MODEL-vN)'),
  ).action(async (raw: string, opts: { output?: string; json?: boolean }) => {
    const ref = parseVersionRef(raw);
    const client = ctx.client();
    const { modelVersion: v } = await client.request(VersionFilesDocument, ref);
    if (!v) throw new CliError(`${raw} does not exist.`, EXIT.notFound);
    const held = v.files.filter((f): f is RemoteFile => Boolean(f.downloadUrl && f.digest && f.sizeBytes != null));
    if (held.length === 0)
      throw new CliError(
        `${v.fullName} is stored outside the registry, at ${v.artifact.uri}: there is nothing to pull.`,
        EXIT.notFound,
        undefined,
        `Fetch it from there and check it against ${v.artifact.digest}.`,
      );
    const dir = opts.output ?? `${ref.model}-${v.fullName.split(':').pop()}`;
    const result = await pullFiles(client, held, dir);
    if (opts.json) return printJson({ version: v.fullName, directory: dir, files: held.length, ...result });
    process.stderr.write(
      `${held.length} file(s) verified: ${result.downloaded} downloaded (${formatBytes(result.bytesReceived)}` +
        `${result.resumed ? `, ${result.resumed} resumed` : ''}), ${result.upToDate} already there.\n`,
    );
    printLine(`${v.fullName} -> ${dir}`);
  });
}
