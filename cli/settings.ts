import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliError, EXIT } from './errors';

/** Where the CLI talks to, and as whom. */
export interface Settings {
  server: string;
  token?: string;
}

/**
 * The user's config directory: $XDG_CONFIG_HOME when set, else the platform's convention
 * (%APPDATA% on Windows, ~/Library/Application Support on macOS, ~/.config elsewhere).
 */
export function configFile(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_CONFIG_HOME ||
    (process.platform === 'win32'
      ? env.APPDATA || path.join(os.homedir(), 'AppData', 'Roaming')
      : process.platform === 'darwin'
        ? path.join(os.homedir(), 'Library', 'Application Support')
        : path.join(os.homedir(), '.config'));
  return path.join(base, 'model-registry', 'config.json');
}

/** `http://host:4000/graphql` and `http://host:4000/` both name the server `http://host:4000`. */
export function normalizeServer(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`"${raw}" is not a URL.`, EXIT.usage, undefined, 'Give it like http://127.0.0.1:4000');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError(`"${raw}" is not an http(s) URL.`, EXIT.usage);
  return `${url.origin}${url.pathname.replace(/\/(graphql)?\/?$/, '')}`;
}

/** Saved settings, with MODEL_REGISTRY_URL and MODEL_REGISTRY_TOKEN taking precedence. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  let saved: Partial<Settings> = {};
  const file = configFile(env);
  if (fs.existsSync(file)) {
    try {
      saved = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Settings>;
    } catch {
      throw new CliError(`${file} is not valid JSON.`, EXIT.usage, undefined, 'Run `model-registry login` again.');
    }
  }
  const server = env.MODEL_REGISTRY_URL || saved.server;
  if (!server)
    throw new CliError(
      'No server configured.',
      EXIT.unauthenticated,
      undefined,
      'Run `MODEL_REGISTRY_TOKEN=TOKEN model-registry login --server http://HOST:PORT`, or set MODEL_REGISTRY_URL.',
    );
  return { server: normalizeServer(server), token: env.MODEL_REGISTRY_TOKEN || saved.token };
}

/** Writes the settings readable by the user only (0600), replacing the file atomically. */
export function saveSettings(settings: Settings, env: NodeJS.ProcessEnv = process.env): string {
  const file = configFile(env);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600); // the umask may have narrowed the mode, never widened it; be sure
  fs.renameSync(tmp, file);
  return file;
}
