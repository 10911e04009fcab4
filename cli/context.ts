import { Command } from 'commander';
import { RegistryClient } from './client';
import { loadSettings } from './settings';

/** What every command needs: the client, built on first use (login needs none), and `--json`. */
export interface CommandContext {
  client(): RegistryClient;
}

export function createContext(env: NodeJS.ProcessEnv = process.env): CommandContext {
  let client: RegistryClient | undefined;
  return { client: () => (client ??= new RegistryClient(loadSettings(env))) };
}

/** Adds `--json` to a command: every command has it, for scripts. */
export function withJson(command: Command): Command {
  return command.option('--json', 'print the result as JSON');
}

/** Follows a connection's pages to the end (each page is at most 100 items). */
export async function allPages<T>(
  page: (after: string | undefined) => Promise<{
    edges: { node: T }[];
    pageInfo: { hasNextPage: boolean; endCursor?: string | null };
  }>,
): Promise<T[]> {
  const items: T[] = [];
  let after: string | undefined;
  for (;;) {
    const conn = await page(after);
    items.push(...conn.edges.map((e) => e.node));
    if (!conn.pageInfo.hasNextPage || !conn.pageInfo.endCursor) return items;
    after = conn.pageInfo.endCursor;
  }
}
