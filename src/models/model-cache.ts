/**
 * What the model page reads, kept in process between requests: a model's version pages (rows and
 * the alias names on them) and its aliases, keyed by the model's id, its revision and the part
 * (`versions:` with the page arguments, `aliases`).
 *
 * Freshness: every transaction that changes a model, its versions or its aliases raises the
 * model's revision as its last statement (ChangeLog), and a reader reads the revision with the
 * model's row before anything else. What is stored under revision R was read after R was seen,
 * so it holds every change up to R; a reader that sees R' asks for R' and misses anything older.
 * That holds across server instances sharing one database: the check is the model's row, read per
 * request. Entries of older revisions are dropped when a newer one is stored for the model.
 *
 * The cache holds data, never decisions: it is consulted only for a model the caller has already
 * been allowed to read, and authorization is decided per request before that.
 *
 * Bounded by entries and by approximate bytes (twice the JSON length of a value), least recently
 * used first out; MODEL_CACHE_ENTRIES=0 turns it off.
 */
export interface ModelCacheOptions {
  maxEntries: number;
  maxBytes: number;
}

export interface ModelRef {
  id: string;
  revision: number;
}

interface Entry {
  modelId: string;
  value: unknown;
  bytes: number;
  /** Set on a version row's entry (part `version:<id>`), to keep cachedVersions in step. */
  versionId?: string;
}

export class ModelCache {
  /** In least-recently-used order: a hit moves its entry to the end. */
  private readonly entries = new Map<string, Entry>();
  /** The newest revision stored for each model, and its keys. */
  private readonly models = new Map<string, { revision: number; keys: Set<string> }>();
  /**
   * Each version whose row has an entry: its model, the revision it was read at and the entry's
   * key. A reader that has only a version's id learns which model's revision to check (a version
   * never moves between models).
   */
  private readonly cachedVersions = new Map<string, ModelRef & { key: string }>();
  /** Loads in flight, so concurrent misses of one key read the database once. */
  private readonly loading = new Map<string, Promise<unknown>>();
  bytes = 0;
  hits = 0;
  misses = 0;
  evictions = 0;

  /**
   * `cleanReadStamp`: taken before a read and compared after it, it says whether what was read may
   * be kept (Database.cleanReadStamp: not on SQLite while a transaction is open).
   */
  constructor(
    private readonly opts: ModelCacheOptions,
    private readonly cleanReadStamp: () => number | null = () => 0,
  ) {}

  /** The stamp to take before a read whose rows go to keepVersionRow. */
  stamp(): number | null {
    return this.cleanReadStamp();
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value of `part` for `model` at its revision, loaded (and kept) on a miss. Treat it as read-only. */
  async get<T>(model: ModelRef, part: string, load: () => Promise<T>): Promise<T> {
    if (this.opts.maxEntries <= 0) return load();
    const key = `${model.id}\u0000${model.revision}\u0000${part}`;
    const entry = this.entries.get(key);
    if (entry) {
      this.hits += 1;
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.value as T;
    }
    this.misses += 1;
    let pending = this.loading.get(key) as Promise<T> | undefined;
    if (!pending) {
      const stamp = this.stamp();
      pending = load().then((value) => {
        this.store(model, key, deepFreeze(value), stamp);
        return value;
      });
      this.loading.set(key, pending);
      const done = () => this.loading.delete(key);
      pending.then(done, done);
    }
    return pending;
  }

  /**
   * The value of `part` for each model, the misses loaded together by one call of `loadMissing`
   * (values in the order of the models given it). For a request's batching loader: hits and
   * misses resolve together, so what the request asks next still batches into one statement.
   */
  async getMany<T>(
    models: readonly ModelRef[],
    part: string,
    loadMissing: (models: ModelRef[]) => Promise<T[]>,
  ): Promise<T[]> {
    if (this.opts.maxEntries <= 0) return loadMissing([...models]);
    const keys = models.map((m) => `${m.id}\u0000${m.revision}\u0000${part}`);
    const values: (T | undefined)[] = keys.map((key) => {
      const entry = this.entries.get(key);
      if (!entry) return undefined;
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.value as T;
    });
    const missing = models.flatMap((m, i) => (values[i] === undefined ? [i] : []));
    this.hits += models.length - missing.length;
    this.misses += missing.length;
    if (missing.length) {
      const stamp = this.stamp();
      const loaded = await loadMissing(missing.map((i) => models[i]));
      missing.forEach((i, j) => {
        values[i] = loaded[j];
        this.store(models[i], keys[i], deepFreeze(loaded[j]), stamp);
      });
    }
    return values as T[];
  }

  /** The model of a version whose row is cached, if one is. */
  modelOfVersion(versionId: string): string | undefined {
    return this.cachedVersions.get(versionId)?.id;
  }

  /**
   * A version's row as cached at its model's revision, or undefined: a row cached at an older
   * revision is not returned, the version may have changed since.
   */
  versionRow<T>(model: ModelRef, versionId: string): T | undefined {
    if (this.opts.maxEntries <= 0) return undefined;
    // By the version's own index, not a key built per lookup: a batch of `_entities` asks for 100.
    const cached = this.cachedVersions.get(versionId);
    const entry =
      cached && cached.id === model.id && cached.revision === model.revision ? this.entries.get(cached.key) : undefined;
    if (!entry) {
      this.misses += 1;
      return undefined;
    }
    this.hits += 1;
    this.entries.delete(cached!.key);
    this.entries.set(cached!.key, entry);
    return entry.value as T;
  }

  /**
   * Keeps a version's row, read in the same statement as its model's revision (or after it): the
   * rule of every entry. `stamp` is `stamp()` taken before the read. Freezes the row.
   */
  keepVersionRow<T extends { id: string }>(model: ModelRef, row: T, stamp: number | null): T {
    if (this.opts.maxEntries <= 0) return row;
    this.store(model, versionKey(model, row.id), deepFreeze(row), stamp, row.id);
    return row;
  }

  private store(model: ModelRef, key: string, value: unknown, stamp: number | null, versionId?: string): void {
    // Read while a transaction was open (SQLite), or one opened or ended meanwhile: perhaps
    // uncommitted, not kept.
    if (stamp === null || stamp !== this.stamp()) return;
    const known = this.models.get(model.id);
    // A reader that saw an older revision than one already stored must not put it back.
    if (known && known.revision > model.revision) return;
    if (known && known.revision < model.revision) this.dropModel(model.id);
    const bytes = 2 * (JSON.stringify(value)?.length ?? 0);
    if (bytes > this.opts.maxBytes) return;
    // Two requests that missed the same key both store it: the second replaces the first.
    this.remove(key);
    let keys = this.models.get(model.id);
    if (!keys) this.models.set(model.id, (keys = { revision: model.revision, keys: new Set() }));
    keys.keys.add(key);
    this.entries.set(key, { modelId: model.id, value, bytes, versionId });
    if (versionId) this.cachedVersions.set(versionId, { id: model.id, revision: model.revision, key });
    this.bytes += bytes;
    while (this.entries.size > this.opts.maxEntries || this.bytes > this.opts.maxBytes) {
      const oldest = this.entries.keys().next().value as string;
      this.remove(oldest);
      this.evictions += 1;
    }
  }

  private dropModel(modelId: string): void {
    for (const key of [...(this.models.get(modelId)?.keys ?? [])]) this.remove(key);
    this.models.delete(modelId);
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
    if (entry.versionId) this.cachedVersions.delete(entry.versionId);
    const model = this.models.get(entry.modelId);
    model?.keys.delete(key);
    if (model && model.keys.size === 0) this.models.delete(entry.modelId);
  }
}

const versionKey = (model: ModelRef, versionId: string) =>
  `${model.id}\u0000${model.revision}\u0000version:${versionId}`;

/** Cached values are shared by every request that hits them: nothing may change one in place. */
function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value) || value instanceof Date) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}
