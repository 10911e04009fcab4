import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config';
import { loadOrCreateLocalKey, mintLocalToken } from '../access/local-key';

const USAGE = `Mints a token for local mode (no AUTH_JWKS_URL): npm run -s token -- <subject> [--groups a,b] [--ttl 8h]
  <subject>      who the token is for; local mode makes "admin" a global admin unless AUTH_ADMINS says otherwise
  --groups a,b   groups for the token (role bindings may name group:a)
  --ttl 8h       lifetime: seconds, or a number with s, m, h or d (default 8h)`;

function parseTtl(raw: string): number {
  const m = /^(\d+)([smhd]?)$/.exec(raw);
  if (!m) throw new Error(`--ttl "${raw}" is not a lifetime like 3600, 30m, 8h or 7d`);
  return Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const subject = args.find((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
  if (!subject || args.includes('--help')) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(subject ? 0 : 2);
  }
  const option = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const config = loadConfig();
  if (config.auth.mode !== 'local') {
    throw new Error('AUTH_JWKS_URL is set: tokens come from your identity provider, not from this command.');
  }
  const { key } = await loadOrCreateLocalKey(config.auth.keyFile);
  const token = await mintLocalToken(key, {
    subject,
    groups: option('--groups')
      ?.split(',')
      .map((g) => g.trim())
      .filter(Boolean),
    ttlSeconds: parseTtl(option('--ttl') ?? '8h'),
    groupsClaim: config.auth.groupsClaim,
  });
  process.stdout.write(`${token}\n`);
}

main().catch((err) => {
  process.stderr.write(
    `${err instanceof ConfigError ? `Configuration error: ${err.message}` : (err as Error).message}\n`,
  );
  process.exit(1);
});
