import { capJsonDepth, jsonShape } from '../../src/common/json-shape';
import { findIllFormedString, printPath } from '../../src/common/well-formed';
import { documentNesting } from '../../src/graphql/limits/document-nesting';

// The pure checks behind issue #11's items 2 and 4, without a server: document nesting, JSON
// shape and depth capping, and the search for ill-formed strings. HTTP behaviour is in
// json-inputs.test.ts and unicode-inputs.test.ts.

describe('documentNesting', () => {
  it.each([
    ['{ a }', 1],
    ['query($a: [Int]) { a(x: { y: [[1]] }) { b } }', 5],
    ['{ a(x: "{{{[[[(((") }', 2],
    ['{ a(x: "\\"{{{") }', 2],
    ['{ a(x: """ {{{ \\""" [[[ """) }', 2],
    ['# {{{{{{\n{ a }', 1],
    ['{ a } # [[[[', 1],
    ['}}}{ a }', 1],
  ])('counts %j as %i', (document, expected) => {
    expect(documentNesting(document)).toBe(expected);
  });
});

describe('jsonShape', () => {
  it('measures depth and members', () => {
    expect(jsonShape({})).toEqual({ depth: 1, members: 0 });
    expect(jsonShape({ a: 1, b: [1, { c: 2 }] })).toEqual({
      depth: 3,
      members: 3,
    });
    expect(jsonShape({ at: new Date() })).toEqual({ depth: 1, members: 1 });
    expect(jsonShape('text')).toEqual({ depth: 0, members: 0 });
  });

  it('measures 100 000 levels without overflowing the stack', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(jsonShape(deep).depth).toBe(100_000);
  });
});

describe('capJsonDepth', () => {
  it('returns a value within the depth as it is', () => {
    const value = { a: { b: [1] } };
    expect(capJsonDepth(value, 3)).toBe(value);
  });

  it('keeps what lies deeper as JSON text, and dates as dates', () => {
    const at = new Date();
    expect(capJsonDepth({ at, a: { b: { c: [1] } } }, 2)).toEqual({
      at,
      a: { b: '{"c":[1]}' },
    });
  });

  it('names a subtree too deep even for JSON.stringify', () => {
    const deep = JSON.parse(`{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(capJsonDepth(deep, 1)).toEqual({
      a: '(a JSON value nested too deeply to write out)',
    });
  });
});

describe('findIllFormedString', () => {
  it('finds nothing in well-formed values, astral characters included', () => {
    expect(
      findIllFormedString({
        a: 'plain',
        b: ['🚀', { '𝔘': 'é' }],
        c: 1,
        d: null,
      }),
    ).toBeNull();
  });

  it.each([
    [{ a: 'x\ud800' }, ['a'], 1, 0xd800],
    [{ a: ['ok', 'y\udfff'] }, ['a', 1], 1, 0xdfff],
    [{ a: { b: { '\udc00key': 1 } } }, ['a', 'b', '\udc00key'], 0, 0xdc00],
    [{ a: '🚀\ude00\ud83d' }, ['a'], 2, 0xde00],
  ])('finds %j at %j', (value, path, index, codeUnit) => {
    expect(findIllFormedString(value)).toEqual({ path, index, codeUnit });
  });

  it('walks 100 000 levels without overflowing the stack', () => {
    const deep = JSON.parse(`{"a":${'['.repeat(100_000)}"\\ud800"${']'.repeat(100_000)}}`);
    expect(findIllFormedString(deep)?.path.length).toBe(100_001);
  });
});

it('prints paths as graphql-js does, quoting keys that are not names', () => {
  expect(printPath(['input', 'tags', 1])).toBe('input.tags[1]');
  expect(printPath(['input', 'metadata', 'a b', 'c'])).toBe('input.metadata["a b"].c');
});
