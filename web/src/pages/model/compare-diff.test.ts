import { describe, expect, it } from 'vitest';
import {
  compareFiles,
  compareMetadata,
  compareMetrics,
  compareTags,
  parseCompareRefs,
  type ComparedVersion,
} from './compare-diff';
import { formatBytes } from '../../components/format';

const version = (over: Partial<ComparedVersion>): ComparedVersion => ({
  name: 'v',
  metrics: {},
  metadata: {},
  tags: [],
  files: [],
  ...over,
});

describe('compare diffing', () => {
  it('marks the best value of each metric: highest, or lowest for losses and errors; ties share it', () => {
    const rows = compareMetrics([
      version({ metrics: { accuracy: 0.9, loss: 0.3, f1: 0.7 } }),
      version({ metrics: { accuracy: 0.95, loss: 0.2, f1: 0.7 } }),
      version({ metrics: { accuracy: 0.95, loss: 0.25 } }),
    ]);
    const by = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(by.accuracy).toMatchObject({ best: [1, 2], differs: true, lowerIsBetter: false });
    expect(by.loss).toMatchObject({ best: [1], differs: true, lowerIsBetter: true });
    // Missing in one version: it differs; the two present values are equal, so both are best.
    expect(by.f1).toMatchObject({ values: [0.7, 0.7, null], best: [0, 1], differs: true });
  });

  it('marks nothing best when every version has the same value, and ignores non-numbers', () => {
    const [row] = compareMetrics([version({ metrics: { auc: 0.8 } }), version({ metrics: { auc: 0.8 } })]);
    expect(row).toMatchObject({ differs: false, best: [] });
    const [text] = compareMetrics([version({ metrics: { auc: 'n/a' } }), version({ metrics: { auc: 0.8 } })]);
    expect(text).toMatchObject({ values: [null, 0.8], best: [] });
  });

  it('compares metadata by value, whatever the key order of nested objects', () => {
    const rows = compareMetadata([
      version({ metadata: { opt: { lr: 0.1, beta: 0.9 }, epochs: 10, framework: 'torch' } }),
      version({ metadata: { opt: { beta: 0.9, lr: 0.1 }, epochs: 12 } }),
    ]);
    expect(rows).toEqual([
      { key: 'epochs', values: ['10', '12'], differs: true },
      { key: 'framework', values: ['torch', null], differs: true },
      { key: 'opt', values: ['{"beta":0.9,"lr":0.1}', '{"beta":0.9,"lr":0.1}'], differs: false },
    ]);
  });

  it('lines files up by path and marks different digests, sizes and missing files', () => {
    const rows = compareFiles([
      version({
        files: [
          { path: 'model.bin', sizeBytes: 10, digest: 'sha256:a' },
          { path: 'cfg.json', sizeBytes: 1, digest: 'sha256:c' },
        ],
      }),
      version({
        files: [
          { path: 'model.bin', sizeBytes: 10, digest: 'sha256:b' },
          { path: 'cfg.json', sizeBytes: 1, digest: 'sha256:c' },
        ],
      }),
      version({ files: [{ path: 'model.bin', sizeBytes: 10, digest: 'sha256:a' }] }),
    ]);
    expect(rows.map((r) => [r.path, r.differs])).toEqual([
      ['cfg.json', true],
      ['model.bin', true],
    ]);
    expect(rows[0].cells[2]).toBeNull();
  });

  it('lists every tag with who carries it', () => {
    expect(compareTags([version({ tags: ['cnn', 'prod'] }), version({ tags: ['cnn'] })])).toEqual([
      { tag: 'cnn', present: [true, true], differs: false },
      { tag: 'prod', present: [true, false], differs: true },
    ]);
  });

  it('takes 2 to 4 distinct versions from ?v=', () => {
    expect(parseCompareRefs('v1,v3')).toEqual(['v1', 'v3']);
    expect(parseCompareRefs(' v1 , v1 ,production')).toEqual(['v1', 'production']);
    expect(parseCompareRefs('v1')).toBeNull();
    expect(parseCompareRefs('v1,v2,v3,v4,v5')).toBeNull();
    expect(parseCompareRefs(null)).toBeNull();
  });

  it('shows sizes as the version page does (one formatter for the console)', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1500)).toBe('1.50 KB');
    expect(formatBytes(5 * 1000 ** 3)).toBe('5.00 GB');
    expect(formatBytes(null)).toBe('—');
  });
});
