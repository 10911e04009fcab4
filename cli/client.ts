import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import http from 'node:http';
import https from 'node:https';
import { CliError, EXIT } from './errors';
import { Settings } from './settings';

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** A request to the blob endpoints; the body is streamed by the caller. */
export interface BlobRequest {
  method: 'GET' | 'HEAD' | 'PUT';
  /** A path on the server (`/v1/registries/…`) or an absolute URL (a presigned redirect). */
  url: string;
  headers?: Record<string, string | number>;
  /** Send the bearer token (not to another host a redirect names). */
  authenticate?: boolean;
}

/** Hints by server error code (UNAUTHENTICATED, FORBIDDEN, ...): what to do next. */
export type Hints = Partial<Record<string, string>>;

/** The server, as the CLI speaks to it: GraphQL operations and the blob endpoints (docs/files.md). */
export class RegistryClient {
  constructor(readonly settings: Settings) {}

  /**
   * Runs a typed operation; any error in the answer becomes a CliError carrying the server's code,
   * with the hint of `hints` for that code when the command knows better than the general one.
   */
  async request<TData, TVars extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVars>,
    variables: TVars,
    hints: Hints = {},
  ): Promise<TData> {
    this.requireToken();
    let res: Response;
    try {
      res = await fetch(`${this.settings.server}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.settings.token}` },
        body: JSON.stringify({ query: print(document), variables }),
      });
    } catch (err) {
      throw this.unreachable(err);
    }
    const text = await res.text();
    let answer: GraphQLAnswer<TData>;
    try {
      answer = JSON.parse(text) as GraphQLAnswer<TData>;
    } catch {
      throw new CliError(`The server answered ${res.status} with something that is not JSON.`, EXIT.server);
    }
    const first = answer.errors?.[0];
    if (first) throw this.explain(first.extensions?.code, first.message, hints);
    if (!answer.data) throw new CliError(`The server answered ${res.status} without data.`, EXIT.server);
    return answer.data;
  }

  /** Opens a blob request; the caller writes the body (PUT) or reads the response. */
  blobRequest(req: BlobRequest): { request: http.ClientRequest; response: Promise<http.IncomingMessage> } {
    if (req.authenticate !== false) this.requireToken();
    const url = new URL(req.url, this.settings.server);
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.authenticate !== false) headers.authorization = `Bearer ${this.settings.token}`;
    const request = (url.protocol === 'https:' ? https : http).request(url, { method: req.method, headers });
    const response = new Promise<http.IncomingMessage>((resolve, reject) => {
      request.on('response', resolve);
      request.on('error', (err) => reject(this.unreachable(err)));
    });
    return { request, response };
  }

  /** The blob endpoints' JSON error body as a CliError. */
  async blobError(res: http.IncomingMessage, what: string): Promise<CliError> {
    let body = '';
    for await (const chunk of res) body += (chunk as Buffer).toString();
    try {
      const { error } = JSON.parse(body) as { error: { code: string; message: string } };
      return this.explain(error.code, `${what}: ${error.message}`);
    } catch {
      return new CliError(`${what}: the server answered ${res.statusCode}.`, EXIT.server);
    }
  }

  explain(code: string | undefined, message: string, hints: Hints = {}): CliError {
    const login = `MODEL_REGISTRY_TOKEN=NEW_TOKEN model-registry login --server ${this.settings.server}`;
    const general: Hints = {
      UNAUTHENTICATED: `Your token was refused (expired or for another server?). Get a new one and run \`${login}\`.`,
      FORBIDDEN: 'Ask an admin of the registry for a role that allows it (`model-registry whoami` shows yours).',
      NOT_FOUND:
        'Check the names: `model-registry registries`, `model-registry models R`, `model-registry versions R/M` ' +
        '(something you may not read is reported as not found).',
      CONFLICT: 'Someone else changed it first: see `model-registry history R/M`, then retry.',
      BAD_USER_INPUT: 'Nothing was changed; fix the input and retry (`model-registry help COMMAND` shows the options).',
    };
    return CliError.fromServer(code, message, code ? (hints[code] ?? general[code]) : undefined);
  }

  private requireToken(): void {
    if (!this.settings.token)
      throw new CliError(
        `No token for ${this.settings.server}.`,
        EXIT.unauthenticated,
        undefined,
        'Run `MODEL_REGISTRY_TOKEN=TOKEN model-registry login --server URL`, or set MODEL_REGISTRY_TOKEN.',
      );
  }

  private unreachable(err: unknown): CliError {
    const cause = (err as { cause?: { code?: string } })?.cause?.code ?? (err as { code?: string })?.code;
    return new CliError(
      `Could not reach ${this.settings.server}${cause ? ` (${cause})` : ''}.`,
      EXIT.server,
      undefined,
      'Is the server running there? `model-registry login --server URL` points the CLI elsewhere.',
    );
  }
}
