import { ModelCache } from '../../src/models/model-cache';

/** The model cache's bounds and its revision rule, without a server (src/models/model-cache.ts). */
const model = (id: string, revision = 0) => ({ id, revision });
const value = (n: number) => async () => ({ n });

describe('ModelCache', () => {
  it('answers a hit without loading, and a newer revision with a load', async () => {
    const cache = new ModelCache({ maxEntries: 10, maxBytes: 1 << 20 });
    const load = jest.fn(value(1));
    await cache.get(model('a'), 'p', load);
    await cache.get(model('a'), 'p', load);
    expect(load).toHaveBeenCalledTimes(1);
    await cache.get(model('a', 1), 'p', load);
    expect(load).toHaveBeenCalledTimes(2);
    expect([cache.hits, cache.misses]).toEqual([1, 2]);
  });

  it('drops the entries of older revisions when a newer one is stored, and never stores an older one again', async () => {
    const cache = new ModelCache({ maxEntries: 10, maxBytes: 1 << 20 });
    await cache.get(model('a', 1), 'p', value(1));
    await cache.get(model('a', 1), 'q', value(1));
    await cache.get(model('a', 2), 'p', value(2));
    expect(cache.size).toBe(1);
    // A reader that saw revision 1 before the write: answered from the database, not kept.
    const stale = jest.fn(value(1));
    await cache.get(model('a', 1), 'p', stale);
    await cache.get(model('a', 1), 'p', stale);
    expect(stale).toHaveBeenCalledTimes(2);
    expect(cache.size).toBe(1);
  });

  it('holds at most maxEntries, least recently used out first', async () => {
    const cache = new ModelCache({ maxEntries: 2, maxBytes: 1 << 20 });
    await cache.get(model('a'), 'p', value(1));
    await cache.get(model('b'), 'p', value(2));
    await cache.get(model('a'), 'p', value(1)); // a is now the most recent
    await cache.get(model('c'), 'p', value(3)); // b goes
    expect(cache.size).toBe(2);
    expect(cache.evictions).toBe(1);
    const reload = jest.fn(value(2));
    await cache.get(model('b'), 'p', reload);
    expect(reload).toHaveBeenCalledTimes(1);
    const kept = jest.fn(value(3));
    await cache.get(model('c'), 'p', kept);
    expect(kept).not.toHaveBeenCalled();
  });

  it('holds at most maxBytes (twice the JSON length of its values), and skips a value larger than that', async () => {
    const cache = new ModelCache({ maxEntries: 100, maxBytes: 100 });
    const big = async () => ({ s: 'x'.repeat(30) }); // 2 x 40 bytes
    await cache.get(model('a'), 'p', big);
    await cache.get(model('b'), 'p', big);
    expect(cache.size).toBe(1);
    expect(cache.bytes).toBeLessThanOrEqual(100);
    await cache.get(model('c'), 'p', async () => ({ s: 'x'.repeat(100) }));
    expect(cache.size).toBe(1);
  });

  it('loads once for concurrent misses of one key, and keeps no failed load', async () => {
    const cache = new ModelCache({ maxEntries: 10, maxBytes: 1 << 20 });
    const load = jest.fn(value(1));
    await Promise.all([1, 2, 3].map(() => cache.get(model('a'), 'p', load)));
    expect(load).toHaveBeenCalledTimes(1);
    await expect(cache.get(model('b'), 'p', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get(model('b'), 'p', value(2))).toEqual({ n: 2 });
  });

  it('hands out values nobody can change in place', async () => {
    const cache = new ModelCache({ maxEntries: 10, maxBytes: 1 << 20 });
    const v = await cache.get(model('a'), 'p', async () => ({ list: [{ x: 1 }] }));
    expect(() => {
      'use strict';
      v.list[0].x = 2;
    }).toThrow(TypeError);
  });

  it('batches misses into one load with getMany, hits answered from memory', async () => {
    const cache = new ModelCache({ maxEntries: 10, maxBytes: 1 << 20 });
    await cache.get(model('a'), 'p', value(1));
    const loadMissing = jest.fn(async (ms: { id: string }[]) => ms.map((m) => ({ n: m.id })));
    const values = await cache.getMany([model('a'), model('b'), model('c')], 'p', loadMissing);
    expect(values).toEqual([{ n: 1 }, { n: 'b' }, { n: 'c' }]);
    expect(loadMissing).toHaveBeenCalledTimes(1);
    expect(loadMissing.mock.calls[0][0].map((m) => m.id)).toEqual(['b', 'c']);
  });

  it('is off with maxEntries 0', async () => {
    const cache = new ModelCache({ maxEntries: 0, maxBytes: 1 << 20 });
    const load = jest.fn(value(1));
    await cache.get(model('a'), 'p', load);
    await cache.get(model('a'), 'p', load);
    expect(load).toHaveBeenCalledTimes(2);
    expect(cache.size).toBe(0);
  });

  describe('version rows', () => {
    const row = (id: string, n = 0) => ({ id, n });

    it('answers a row at the revision it was kept at, and knows its model; not at another revision', () => {
      const cache = new ModelCache({ maxEntries: 10, maxBytes: 1 << 20 });
      expect(cache.modelOfVersion('v1')).toBeUndefined();
      cache.keepVersionRow(model('a', 3), row('v1'), 0);
      expect(cache.modelOfVersion('v1')).toBe('a');
      expect(cache.versionRow(model('a', 3), 'v1')).toEqual(row('v1'));
      expect(cache.versionRow(model('a', 4), 'v1')).toBeUndefined();
      expect(Object.isFrozen(cache.versionRow(model('a', 3), 'v1'))).toBe(true);
    });

    it("forgets a version's model when its row goes: by eviction, or when the model moves on", () => {
      const cache = new ModelCache({ maxEntries: 2, maxBytes: 1 << 20 });
      cache.keepVersionRow(model('a', 1), row('v1'), 0);
      cache.keepVersionRow(model('b', 1), row('v2'), 0);
      cache.keepVersionRow(model('b', 1), row('v3'), 0); // v1 is the least recently used
      expect(cache.modelOfVersion('v1')).toBeUndefined();
      expect(cache.size).toBe(2);
      cache.keepVersionRow(model('b', 2), row('v2', 1), 0); // b's revision-1 rows go
      expect(cache.modelOfVersion('v3')).toBeUndefined();
      expect(cache.versionRow(model('b', 2), 'v2')).toEqual(row('v2', 1));
      expect(cache.size).toBe(1);
    });

    it('keeps one entry when two readers keep the same row, and none when turned off', () => {
      const cache = new ModelCache({ maxEntries: 10, maxBytes: 1 << 20 });
      cache.keepVersionRow(model('a', 1), row('v1'), 0);
      const bytes = cache.bytes;
      cache.keepVersionRow(model('a', 1), row('v1'), 0);
      expect([cache.size, cache.bytes]).toEqual([1, bytes]);
      const off = new ModelCache({ maxEntries: 0, maxBytes: 1 << 20 });
      off.keepVersionRow(model('a', 1), row('v1'), 0);
      expect([off.size, off.modelOfVersion('v1')]).toEqual([0, undefined]);
    });

    it('keeps nothing read while a transaction was open, or across one opening or ending', async () => {
      let stamp: number | null = 1;
      const cache = new ModelCache({ maxEntries: 10, maxBytes: 1 << 20 }, () => stamp);
      stamp = null; // a transaction is open (SQLite): reads may see its uncommitted rows
      cache.keepVersionRow(model('a', 1), row('v1'), cache.stamp());
      const before = cache.stamp();
      stamp = 2; // it ended, perhaps rolled back, while a read was in flight
      cache.keepVersionRow(model('a', 1), row('v2'), before);
      await cache.get(model('a', 1), 'p', async () => {
        stamp = 3;
        return { n: 1 };
      });
      expect(cache.size).toBe(0);
      cache.keepVersionRow(model('a', 1), row('v3'), cache.stamp());
      expect(cache.size).toBe(1);
    });
  });
});
