import { createHash } from 'node:crypto';
import { DocumentNode, GraphQLError, parse } from 'graphql';
import { LimitExceededError } from '../../common/errors';
import { GraphQLConfig } from '../../config';
import { documentBoundsError } from './document-bounds';
import { documentNestingError } from './document-nesting';

/** How many accepted documents are remembered, so a client's usual queries are parsed here once. */
const REMEMBERED = 1000;

/**
 * The checks a GraphQL document passes before Apollo sees it, in the HTTP front: its size in
 * bytes and lines and its nesting (document-nesting.ts), then, parsed, its bounds (document-bounds.ts). They cannot run inside Apollo:
 * Apollo validates with graphql-js's rules first and ours after, in one pass, and an error thrown
 * from one of its hooks between parsing and validation becomes a 500. So the document is parsed
 * here too, with the same token limit; a document that does not parse is left to Apollo, which
 * reports the syntax error. Accepted documents are remembered by hash (the last REMEMBERED), so
 * the usual queries cost one hash, not a second parse; a refused one is checked again each time.
 */
export function documentCheck(
  config: GraphQLConfig,
  parseOptions: { maxTokens: number },
): (query: string) => GraphQLError | null {
  const accepted = new Map<string, true>();
  return (query) => {
    // Size first: nesting is counted over the text, which the size bounds; both come before
    // parsing, since graphql-js's parser overflows its stack on deep enough nesting.
    const tooLarge =
      documentSizeError(query, config.maxDocumentBytes, config.maxDocumentLines) ?? documentNestingError(query);
    if (tooLarge) return tooLarge;
    const hash = createHash('sha256').update(query).digest('base64');
    if (accepted.has(hash)) return null;
    let document: DocumentNode;
    try {
      document = parse(query, parseOptions);
    } catch {
      return null;
    }
    const refused = documentBoundsError(document, config);
    if (refused) return refused;
    if (accepted.size >= REMEMBERED) accepted.delete(accepted.keys().next().value!);
    accepted.set(hash, true);
    return null;
  };
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
