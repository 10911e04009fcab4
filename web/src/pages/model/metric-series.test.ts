import { describe, expect, it } from 'vitest';
import { describeSeries, metricNames, seriesFor } from './metric-series';

const versions = [
  { name: 'v2', number: 2, aliases: ['production', 'latest'], metrics: { accuracy: 0.9 } },
  { name: 'v0', number: 0, aliases: [], metrics: { accuracy: 0.8, loss: 0.4 } },
  { name: 'v1', number: 1, aliases: ['staging'], metrics: { loss: 0.3, note: 'x' } },
];

describe('the metric chart series', () => {
  it('orders versions by number, with a gap where a version lacks the metric', () => {
    expect(seriesFor(versions, 'accuracy')).toEqual([
      { name: 'v0', value: 0.8, aliases: [] },
      { name: 'v1', value: null, aliases: ['staging'] },
      { name: 'v2', value: 0.9, aliases: ['production', 'latest'] },
    ]);
    expect(metricNames(versions)).toEqual(['accuracy', 'loss']);
  });

  it('describes the chart in words, alias markers included', () => {
    expect(describeSeries('accuracy', seriesFor(versions, 'accuracy'))).toBe(
      'accuracy across 2 versions: 0.8 at v0, 0.9 at v2; highest 0.9 at v2, lowest 0.8 at v0. ' +
        'Aliases: staging at v1, production at v2, latest at v2.',
    );
    expect(describeSeries('f1', seriesFor(versions, 'f1'))).toBe('No version has the metric f1.');
  });
});
