#!/usr/bin/env node
// Watch a registry's live updates from a terminal: one JSON line per event.
//
//   REGISTRY_TOKEN=$(npm run -s token -- alice) node scripts/watch.mjs vision/mnist --alias production
//
// Arguments: REGISTRY[/MODEL]; --alias NAME (alias events of that alias only); --events
// aliases|versions|models (default aliases); --url (default $REGISTRY_URL or
// http://127.0.0.1:4000/graphql). The token is read from $REGISTRY_TOKEN, never from the command
// line (where other users could see it). Uses graphql-ws and ws, the server's own dependencies.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const alias = option('alias');
const events = option('events') ?? 'aliases';
const httpUrl = option('url') ?? process.env.REGISTRY_URL ?? 'http://127.0.0.1:4000/graphql';
const [target] = args;
const token = process.env.REGISTRY_TOKEN;
if (!target || !token || !['aliases', 'versions', 'models'].includes(events)) {
  console.error(
    'usage: REGISTRY_TOKEN=<token> node scripts/watch.mjs REGISTRY[/MODEL] [--alias NAME] [--events aliases|versions|models] [--url URL]',
  );
  process.exit(2);
}
const [registry, model = null] = target.split('/');

const FIELDS = `id type occurredAt model { name } alias version { name artifact { uri digest } }
  previousVersion { name } actor { id } data`;
const field = { aliases: 'aliasChanged', versions: 'versionLinked', models: 'modelChanged' }[events];
const query = {
  aliases: `subscription($r: String!, $m: String, $a: String) { aliasChanged(registry: $r, model: $m, alias: $a) { ${FIELDS} } }`,
  versions: `subscription($r: String!, $m: String) { versionLinked(registry: $r, model: $m) { ${FIELDS} } }`,
  models: `subscription($r: String!) { modelChanged(registry: $r) { ${FIELDS} } }`,
}[events];

const client = createClient({
  url: httpUrl.replace(/^http/, 'ws'),
  webSocketImpl: WebSocket,
  connectionParams: { authorization: `Bearer ${token}` },
  // Reconnect after a restart or a replica going away (1001), and when the server could not check
  // the token for now (1013, 1011: the identity provider unreachable); a refused token (4403) ends it.
  retryAttempts: 10,
  shouldRetry: (event) => event?.code !== 4403,
  on: {
    closed: (event) => event?.code && console.error(`closed: ${event.code} ${event.reason}`),
    // Nothing is replayed across a reconnect: say so, so nobody takes the silence for "no changes".
    connected: (_socket, _payload, wasRetry) =>
      wasRetry &&
      console.error(
        'reconnected: events while disconnected may have been missed; query the registry for current state',
      ),
  },
});

client.subscribe(
  { query, variables: { r: registry, m: model, a: alias ?? null } },
  {
    next: (result) => {
      if (result.errors) {
        console.error(JSON.stringify(result.errors));
        process.exitCode = 1;
      } else console.log(JSON.stringify(result.data[field]));
    },
    error: (err) => {
      console.error(Array.isArray(err) ? JSON.stringify(err) : `${err?.code ?? ''} ${err?.reason ?? err}`.trim());
      process.exit(1);
    },
    complete: () => process.exit(process.exitCode ?? 0),
  },
);
process.on('SIGINT', () => {
  void client.dispose();
  process.exit(0);
});
