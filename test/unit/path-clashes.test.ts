import { BadInputError } from '../../src/common/errors';
import { manifestOf } from '../../src/files/manifest';

// A version's files must be writable on every system a pull may land on (docs/files.md).
const digest = `sha256:${'a'.repeat(64)}`;
const files = (...paths: string[]) => paths.map((path) => ({ path, digest, sizeBytes: 1 }));
const refusal = (...paths: string[]) => {
  try {
    manifestOf(files(...paths));
  } catch (err) {
    expect(err).toBeInstanceOf(BadInputError);
    return (err as Error).message;
  }
  throw new Error(`expected ${paths.join(', ')} to be refused`);
};

describe('paths a pull could not write', () => {
  it('refuses names that differ only in case, naming both', () => {
    expect(refusal('Model.bin', 'model.bin')).toMatch(/"Model\.bin" and "model\.bin"/);
    expect(refusal('a/Config.json', 'A/config.json')).toMatch(/the same name/);
  });

  it('refuses the same name in NFC and in NFD', () => {
    expect(refusal('caf\u00e9.txt', 'cafe\u0301.txt')).toMatch(/the same name/);
  });

  it('refuses a file and a directory of the same name, in either order', () => {
    expect(refusal('a', 'a/b')).toMatch(/"a" cannot be a file and a directory/);
    expect(refusal('x/y/z', 'X/y')).toMatch(/cannot be a file and a directory/);
  });

  it('refuses drive letters and Windows device names', () => {
    expect(refusal('C:x')).toMatch(/drive letter/);
    expect(refusal('weights/nul.bin')).toMatch(/"nul\.bin" is a device name/);
    expect(refusal('COM1')).toMatch(/device name/);
  });

  it('takes ordinary trees', () => {
    expect(manifestOf(files('a/b', 'a/c', 'ab', 'console.txt', 'com10')).map((f) => f.path)).toEqual([
      'a/b',
      'a/c',
      'ab',
      'com10',
      'console.txt',
    ]);
  });
});
