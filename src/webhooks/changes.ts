import { isDeepStrictEqual } from 'node:util';
import { JsonObject } from '../db/columns';

/**
 * What an update changed, for `model.updated` and `version.updated` payloads: the names of the
 * fields that differ, and their values before and after. Null when nothing changed, in which case
 * no event is sent.
 */
export function changedFields(
  before: JsonObject,
  after: JsonObject,
): { changed: string[]; before: JsonObject; after: JsonObject } | null {
  const changed = Object.keys(after).filter((k) => !isDeepStrictEqual(before[k], after[k]));
  if (changed.length === 0) return null;
  return {
    changed,
    before: Object.fromEntries(changed.map((k) => [k, before[k]])),
    after: Object.fromEntries(changed.map((k) => [k, after[k]])),
  };
}
