import { BadInputError } from '../../src/common/errors';
import { expectGlobalId, fromGlobalId, toGlobalId } from '../../src/common/global-id';
import { decodeCursor, DEFAULT_PAGE, encodeCursor, KeysetOrder, MAX_PAGE, pageSize } from '../../src/common/pagination';

// Page sizes, cursors and global ids: what a client sends back to page through a list or fetch
// a node, checked without a database. Paging through real rows is in the HTTP suite.

interface Row {
  name: string;
  number: number;
  createdAt: Date;
}

const BY_NAME: KeysetOrder<Row> = {
  key: 'name:ASC',
  columns: [{ expr: 'r.name', dir: 'ASC', kind: 'string', value: (r) => r.name }],
};
const NEWEST: KeysetOrder<Row> = {
  key: 'created:DESC',
  columns: [
    {
      expr: 'r.createdAt',
      dir: 'DESC',
      kind: 'timestamp',
      value: (r) => r.createdAt,
    },
    { expr: 'r.number', dir: 'DESC', kind: 'number', value: (r) => r.number },
  ],
};

const forged = (json: unknown) => Buffer.from(JSON.stringify(json), 'utf8').toString('base64url');
const UUID = '0190f3a2-7b1c-7d2e-8f3a-4b5c6d7e8f90';

/** The BAD_USER_INPUT a function throws, as code, field and message. */
function refusal(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BadInputError);
    const e = err as BadInputError;
    return {
      code: e.extensions.code,
      field: e.extensions.field,
      message: e.message,
    };
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('page size', () => {
  it('defaults when first is left out or null', () => {
    expect(pageSize(undefined)).toBe(DEFAULT_PAGE);
    expect(pageSize(null)).toBe(DEFAULT_PAGE);
  });

  it('accepts 0..MAX_PAGE', () => {
    expect(pageSize(0)).toBe(0);
    expect(pageSize(MAX_PAGE)).toBe(MAX_PAGE);
  });

  it('refuses anything else, naming first', () => {
    for (const first of [-1, MAX_PAGE + 1, 2.5]) {
      expect(refusal(() => pageSize(first))).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'first',
        message: `"first" must be between 0 and ${MAX_PAGE}; got ${first}.`,
      });
    }
  });
});

describe('cursors', () => {
  it('give back the values they were made from', () => {
    expect(decodeCursor(encodeCursor(BY_NAME, ['résumé-net']), BY_NAME)).toEqual(['résumé-net']);
    const at = Date.UTC(2026, 10, 29, 12, 0, 0, 123);
    expect(decodeCursor(encodeCursor(NEWEST, [at, 42]), NEWEST)).toEqual([at, 42]);
  });

  it('are opaque, URL-safe text', () => {
    const cursor = encodeCursor(BY_NAME, ['a/b+c?d=e']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('a/b');
  });

  it('are refused with another order than the one they were made for', () => {
    expect(refusal(() => decodeCursor(encodeCursor(BY_NAME, ['a']), NEWEST))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'after',
      message: '"after" is not a cursor for this list and order; start again without it.',
    });
  });

  it('are refused when they are not one this server issued', () => {
    for (const after of [
      '',
      'not a cursor',
      forged('a string'),
      forged(null),
      Buffer.from('{"o":').toString('base64url'),
    ]) {
      expect(refusal(() => decodeCursor(after, BY_NAME)).field).toBe('after');
    }
  });

  it('are refused when forged with values of the wrong kind or number', () => {
    const cases = [
      forged({ o: 'name:ASC', v: [1] }),
      forged({ o: 'name:ASC', v: ['a', 'b'] }),
      forged({ o: 'name:ASC', v: 'a' }),
      forged({ o: 'created:DESC', v: ['2026-01-01', 1] }),
      forged({ o: 'created:DESC', v: [1.5, 1] }),
      // Outside the range of ECMAScript dates: not a time this server wrote.
      forged({ o: 'created:DESC', v: [8.64e15 + 1, 1] }),
      forged({ o: 'created:DESC', v: [0, 'x'] }),
      forged({ o: 'created:DESC', v: [0, null] }),
    ];
    for (const after of cases) {
      expect(refusal(() => decodeCursor(after, orderOf(after)))).toMatchObject({
        field: 'after',
        message: expect.stringContaining('not a cursor for this list'),
      });
    }
  });
});

/** The order a forged cursor names, so each case fails on its values, not on its order. */
function orderOf(cursor: string): KeysetOrder<Row> {
  const { o } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o: string };
  return o === BY_NAME.key ? BY_NAME : NEWEST;
}

describe('global ids', () => {
  it('round-trip a type and a uuid, as opaque URL-safe text', () => {
    const id = toGlobalId('ModelVersion', UUID);
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(fromGlobalId(id)).toEqual({ type: 'ModelVersion', id: UUID });
  });

  it('refuse what this server did not issue', () => {
    const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
    for (const id of [
      '',
      'garbage',
      b64(`Nope:${UUID}`),
      b64('Registry:not-a-uuid'),
      b64(UUID),
      b64(`Registry:${UUID.toUpperCase()}`),
    ]) {
      expect(refusal(() => fromGlobalId(id))).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'id',
        message: `"${id}" is not an id this server issued.`,
      });
    }
  });

  it('refuse an id of another type where one type is expected, naming the field', () => {
    const id = toGlobalId('Registry', UUID);
    expect(expectGlobalId(id, 'Registry')).toBe(UUID);
    expect(refusal(() => expectGlobalId(id, 'RegisteredModel', 'modelId'))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'modelId',
      message: `"${id}" is not the id of a RegisteredModel.`,
    });
  });
});
