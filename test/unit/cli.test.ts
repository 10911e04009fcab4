import { CliError, EXIT } from '../../cli/errors';
import { rangeStart, targetPath } from '../../cli/files/download';
import { eachLimit } from '../../cli/files/local-files';
import { formatTable } from '../../cli/output';
import { formatBytes, Progress } from '../../cli/progress';
import { parseMetric, parseModelRef, parseVersionRef } from '../../cli/refs';
import { configFile, normalizeServer } from '../../cli/settings';

describe('model-registry CLI, pure parts', () => {
  test('references parse as REGISTRY/MODEL[:REF], and anything else is a usage error', () => {
    expect(parseVersionRef('vision/MNIST:production')).toEqual({
      registry: 'vision',
      model: 'MNIST',
      ref: 'production',
    });
    expect(parseVersionRef('vision/MNIST', 'latest').ref).toBe('latest');
    expect(parseModelRef('vision/MNIST')).toEqual({ registry: 'vision', model: 'MNIST' });
    for (const bad of ['vision', 'vision/MNIST:v1:x', 'a/b/c', ''])
      expect(() => parseVersionRef(bad)).toThrow(expect.objectContaining({ exitCode: EXIT.usage }));
    expect(() => parseVersionRef('vision/MNIST')).toThrow(/REGISTRY\/MODEL:REF/);
  });

  test('metrics are NAME=NUMBER and accumulate', () => {
    expect(parseMetric('loss=0.2', parseMetric('acc=0.93'))).toEqual({ acc: 0.93, loss: 0.2 });
    expect(() => parseMetric('acc=high')).toThrow(expect.objectContaining({ exitCode: EXIT.usage }));
    expect(() => parseMetric('acc')).toThrow(CliError);
  });

  test('server codes map to distinct exit codes', () => {
    const codes = ['BAD_USER_INPUT', 'NOT_FOUND', 'UNAUTHENTICATED', 'FORBIDDEN', 'CONFLICT', 'INTERNAL_SERVER_ERROR'];
    expect(codes.map((c) => CliError.fromServer(c, 'm').exitCode)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(CliError.fromServer(undefined, 'm').exitCode).toBe(EXIT.server);
  });

  test('the server URL is normalized, with or without /graphql', () => {
    expect(normalizeServer('http://127.0.0.1:4000/graphql')).toBe('http://127.0.0.1:4000');
    expect(normalizeServer('https://reg.example.com/ml/')).toBe('https://reg.example.com/ml');
    expect(() => normalizeServer('ftp://x')).toThrow(CliError);
    expect(() => normalizeServer('not a url')).toThrow(CliError);
  });

  test('the config file is under XDG_CONFIG_HOME when set', () => {
    expect(configFile({ XDG_CONFIG_HOME: '/cfg' })).toBe('/cfg/model-registry/config.json');
  });

  test('a pulled file cannot be written outside the output directory', () => {
    expect(targetPath('/out', 'a/b.bin')).toBe('/out/a/b.bin');
    for (const bad of ['../x', 'a/../../x', '..', 'a/..']) expect(() => targetPath('/out', bad)).toThrow(/unsafe path/);
  });

  test('tables pad every column but the last', () => {
    expect(
      formatTable(
        ['A', 'LONGER'],
        [
          ['xyz', '1'],
          ['q', ''],
        ],
      ),
    ).toBe('A    LONGER\nxyz  1\nq');
  });

  test('the progress bar draws bytes, rate and time left on a terminal, and nothing elsewhere', () => {
    const written: string[] = [];
    const tty = { isTTY: true, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
    const bar = new Progress('uploading', 2_000_000, tty);
    bar.add(1_000_000);
    bar.finish();
    expect(written.join('')).toMatch(/uploading \[#{12}-{12}\] +50% 1\.0 MB\/2\.0 MB [\d.]+ [kMG]?B\/s ETA \S+/);
    const piped: string[] = [];
    const notTty = { isTTY: false, write: (s: string) => piped.push(s) } as unknown as NodeJS.WriteStream;
    const quiet = new Progress('uploading', 10, notTty);
    quiet.add(5);
    quiet.finish();
    expect(piped).toEqual([]);
    expect(formatBytes(1536)).toBe('1.5 kB');
  });

  it('reads where a Content-Range starts, so a range that does not continue the .part is refused', () => {
    expect(rangeStart('bytes 100-199/200')).toBe(100);
    expect(rangeStart('bytes 0-9/*')).toBe(0);
    expect(rangeStart(undefined)).toBeUndefined();
    expect(rangeStart('bytes */200')).toBeUndefined();
  });

  it('eachLimit takes no new item once one has failed', async () => {
    const started: number[] = [];
    const run = eachLimit([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n);
      await new Promise((r) => setTimeout(r, 5));
      if (n === 1) throw new Error('boom');
    });
    await expect(run).rejects.toThrow('boom');
    await new Promise((r) => setTimeout(r, 30));
    expect(started).toEqual([1, 2]);
  });
});
