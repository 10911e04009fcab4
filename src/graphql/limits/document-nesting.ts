import { LimitExceededError } from '../../common/errors';

/**
 * How deep a document may nest `{`, `[` and `(`. graphql-js parses recursively, a few frames per
 * level, and overflows the call stack at about 2 000 nested list values, which fit in
 * GRAPHQL_MAX_TOKENS' default (a list level is two tokens); the JSON scalar and validation recurse
 * again over what it built. Fixed, since it guards the stack, not a policy: 256 leaves room for
 * GRAPHQL_MAX_DEPTH's highest setting (100) plus arguments, and for JSON literals past
 * JSON_MAX_DEPTH, which the service then refuses by name.
 */
export const DOCUMENT_MAX_NESTING = 256;

const HASH = 0x23;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LF = 0x0a;
const CR = 0x0d;

/**
 * The deepest nesting of brackets in a GraphQL document, outside strings, block strings and
 * comments. One pass over the text, before it is parsed; a malformed document gets a count that
 * the parser then refuses anyway.
 */
export function documentNesting(document: string): number {
  let depth = 0;
  let deepest = 0;
  const n = document.length;
  for (let i = 0; i < n; i++) {
    switch (document.charCodeAt(i)) {
      case 0x7b: // {
      case 0x5b: // [
      case 0x28: // (
        if (++depth > deepest) deepest = depth;
        break;
      case 0x7d: // }
      case 0x5d: // ]
      case 0x29: // )
        if (depth > 0) depth--;
        break;
      case HASH:
        while (i + 1 < n && document.charCodeAt(i + 1) !== LF && document.charCodeAt(i + 1) !== CR) i++;
        break;
      case QUOTE:
        i = document.startsWith('"""', i) ? endOfBlockString(document, i + 3) : endOfString(document, i + 1);
        break;
    }
  }
  return deepest;
}

/** The index of the quote that ends a string opened before `i`, or of the line end (a parse error). */
function endOfString(document: string, i: number): number {
  for (; i < document.length; i++) {
    const c = document.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE || c === LF || c === CR) return i;
  }
  return i;
}

/** The index of the last quote of the `"""` that ends a block string; `\"""` does not end it. */
function endOfBlockString(document: string, i: number): number {
  for (; i < document.length; i++) {
    const c = document.charCodeAt(i);
    if (c === BACKSLASH && document.startsWith('"""', i + 1)) i += 3;
    else if (c === QUOTE && document.startsWith('"""', i)) return i + 2;
  }
  return i;
}

/** The refusal of a document nested deeper than DOCUMENT_MAX_NESTING, or null. */
export function documentNestingError(document: string, max = DOCUMENT_MAX_NESTING): LimitExceededError | null {
  const nesting = documentNesting(document);
  if (nesting <= max) return null;
  const message = `The document nests brackets ${nesting} levels deep; the limit is ${max}.`;
  return new LimitExceededError(message, {
    limit: 'DOCUMENT_MAX_NESTING',
    max,
  });
}
