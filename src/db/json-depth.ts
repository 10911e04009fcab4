import { capJsonDepth } from '../common/json-shape';

/**
 * The deepest JSON document the registry writes. MariaDB's JSON_VALID, the CHECK of every JSON
 * column, refuses documents whose containers nest more than 31 levels (JSON_DEPTH 32); SQLite
 * stores anything. Inputs are held to JSON_MAX_DEPTH (16), and an audit snapshot or a webhook
 * payload nests one three levels deeper, so only values stored before that limit reach this one.
 */
export const STORED_JSON_MAX_DEPTH = 24;

/**
 * A document as written to an audit row or a webhook payload: what lies deeper than
 * STORED_JSON_MAX_DEPTH is kept as its JSON text, the same on every database, so that a legacy
 * value can never make the write of a later change fail.
 */
export function storableJson<T>(doc: T): T {
  return capJsonDepth(doc, STORED_JSON_MAX_DEPTH);
}
