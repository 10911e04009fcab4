import { ColumnOptions, ValueTransformer } from 'typeorm';

/**
 * Column shapes that mean the same on SQLite and MariaDB/MySQL, so one set of entities and one
 * migration serve both without drift: string ids, millisecond timestamps, JSON documents.
 */

export const ID = {
  type: 'varchar',
  length: 36,
} as const satisfies ColumnOptions;

// SQLite stores datetime as text and ignores precision; MySQL/MariaDB need (3) for milliseconds.
export const TIMESTAMP = {
  type: 'datetime',
  precision: 3,
} as const satisfies ColumnOptions;

/** mysql2 returns BIGINT as a string to avoid precision loss; sizes stay below 2^53, so numbers are safe. */
const bigintAsNumber: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null || v === undefined ? v : Number(v)),
};
export const BIGINT: ColumnOptions = {
  type: 'bigint',
  transformer: bigintAsNumber,
};

export const JSON_DOC = { type: 'json' } as const satisfies ColumnOptions;

/**
 * A JSON object stored in a JSON_DOC column. `any` rather than `unknown` because TypeORM's
 * insert/update typings cannot map `unknown` values; inputs are validated before they get here.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonObject = Record<string, any>;
