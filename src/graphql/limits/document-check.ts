import { createHash } from 'node:crypto';
import { DocumentNode, GraphQLError, parse } from 'graphql';
import { LimitExceededError } from '../../common/errors';
import { GraphQLConfig } from '../../config';
import { documentBoundsError } from './document-bounds';
import { documentNestingError } from './document-nesting';

/** How many accepted documents are remembered, so a client's usual queries are checked here once. */
const REMEMBERED = 1000;
/** And how much of their text, at most (UTF-16 code units). */
const REMEMBERED_CHARS = 4 * 1024 * 1024;

/**
 * The checks a GraphQL document passes before Apollo sees it, in the HTTP front: its size in
 * bytes and lines and its nesting (document-nesting.ts), then, parsed, its bounds (document-bounds.ts). They cannot run inside Apollo:
 * Apollo validates with graphql-js's rules first and ours after, in one pass, and an error thrown
 * from one of its hooks between parsing and validation becomes a 500. So the document is parsed
 * here too, with the same token limit; a document that does not parse is left to Apollo, which
 * reports the syntax error. Accepted documents are remembered by their text (the last REMEMBERED,
 * within REMEMBERED_CHARS), so the usual queries cost one map lookup, not a second scan and parse
 * (a sha256 of the text cost more than the lookup); a refused one is checked again each time.
 */
export function documentCheck(
  config: GraphQLConfig,
  parseOptions: { maxTokens: number },
): (query: string) => GraphQLError | null {
  const accepted = new Map<string, true>();
  let chars = 0;
  return (query) => {
    // The same text passed every check before: the checks depend on nothing else.
    const key = rememberedAs(query);
    if (accepted.has(key)) return null;
    // Size first: nesting is counted over the text, which the size bounds; both come before
    // parsing, since graphql-js's parser overflows its stack on deep enough nesting.
    const tooLarge =
      documentSizeError(query, config.maxDocumentBytes, config.maxDocumentLines) ?? documentNestingError(query);
    if (tooLarge) return tooLarge;
    let document: DocumentNode;
    try {
      document = parse(query, parseOptions);
    } catch {
      return null;
    }
    const refused = documentBoundsError(document, config);
    if (refused) return refused;
    accepted.set(key, true);
    chars += key.length;
    while (accepted.size > REMEMBERED || chars > REMEMBERED_CHARS) {
      const oldest = accepted.keys().next().value!;
      accepted.delete(oldest);
      chars -= oldest.length;
    }
    return null;
  };
}

/**
 * A document's key among the remembered: its text, or for a long one a sha256 of it. V8 hashes a
 * string of more than 16 383 characters by its length alone, so long texts of one length would
 * share a bucket, and every lookup would compare them whole.
 */
function rememberedAs(query: string): string {
  return query.length <= 16_000 ? query : `sha256:${createHash('sha256').update(query).digest('base64')}`;
}

/**
 * The document-size refusal, or null when `document` fits in `maxBytes` bytes and `maxLines` lines.
 * Lines are bounded because graphql-js locates each error (line and column) by scanning the line
 * breaks before it: 100 validation errors after 90 000 empty lines took about 290 ms.
 */
export function documentSizeError(document: string, maxBytes: number, maxLines: number): LimitExceededError | null {
  const bytes = Buffer.byteLength(document, 'utf8');
  if (bytes > maxBytes)
    return new LimitExceededError(
      `The document is ${bytes} bytes; the limit is ${maxBytes} (GRAPHQL_MAX_DOCUMENT_BYTES).`,
      { limit: 'GRAPHQL_MAX_DOCUMENT_BYTES', max: maxBytes },
    );
  // graphql-js's line terminators: \r\n, \n or \r.
  const lines = 1 + (document.match(/\r\n|[\n\r]/g)?.length ?? 0);
  if (lines > maxLines)
    return new LimitExceededError(
      `The document has ${lines} lines; the limit is ${maxLines} (GRAPHQL_MAX_DOCUMENT_LINES).`,
      { limit: 'GRAPHQL_MAX_DOCUMENT_LINES', max: maxLines },
    );
  return null;
}
