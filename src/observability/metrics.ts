import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { PoolStats } from '../db/pool-stats';
import type { BlobRequestSummary } from '../files/blob.routes';
import { RequestSummary } from '../http/http-server';

/** Distinct operation names kept as label values; later ones count as `other`. */
export const MAX_OPERATION_LABELS = 100;
const CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
const GAUGE_TIMEOUT_MS = 1000;

/**
 * Prometheus metrics for /metrics, in a registry of this app's own (not prom-client's global one),
 * so several servers can run in one process. Labels are bounded: operations by name (unnamed ones
 * are `anonymous`, names past MAX_OPERATION_LABELS are `other`), errors by code.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly operations = new Set<string>();
  private readonly requests = new Counter({
    name: 'model_registry_graphql_requests_total',
    help: 'GraphQL requests by operation name and HTTP status.',
    labelNames: ['operation', 'status'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'model_registry_graphql_request_duration_seconds',
    help: 'Time from the request arriving to the response being written, by operation name.',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: 'model_registry_graphql_errors_total',
    help: 'Errors in GraphQL responses by extensions.code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  private readonly liveDelivered = new Counter({
    name: 'model_registry_live_events_delivered_total',
    help: 'Events handed to subscriptions on this server (one per subscriber), by event type.',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  private readonly liveDropped = new Counter({
    name: 'model_registry_live_events_dropped_total',
    help: 'Committed events this server could not publish to the live bus (Redis unreachable).',
    registers: [this.registry],
  });
  private readonly blobRequests = new Counter({
    name: 'model_registry_blob_requests_total',
    help: 'Blob requests (PUT, GET, HEAD of /v1/registries/…/blobs/…) by method and HTTP status.',
    labelNames: ['method', 'status'] as const,
    registers: [this.registry],
  });
  private readonly blobBytes = new Counter({
    name: 'model_registry_blob_bytes_total',
    help: 'Blob body bytes received (direction="in", uploads) and sent (direction="out", downloads).',
    labelNames: ['direction'] as const,
    registers: [this.registry],
  });

  /** `onError` hears of a gauge that could not be read at a scrape. */
  constructor(private readonly onError: (metric: string, err: unknown) => void = () => {}) {
    collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  observeRequest(s: RequestSummary): void {
    const operation = this.operationLabel(s.operationName);
    this.requests.inc({ operation, status: String(s.status) });
    this.duration.observe({ operation }, s.durationMs / 1000);
    for (const code of s.errorCodes) this.errors.inc({ code: CODE.test(code) ? code : 'OTHER' });
  }

  /** One event handed to one subscription. Types come from the change catalogue: bounded. */
  liveEventDelivered(type: string): void {
    this.liveDelivered.inc({ type });
  }

  liveEventsDropped(count: number): void {
    this.liveDropped.inc(count);
  }

  observeBlobRequest(s: BlobRequestSummary): void {
    // Methods other than these are refused (405) and counted together, so the label stays bounded.
    const method = ['PUT', 'GET', 'HEAD'].includes(s.method) ? s.method : 'OTHER';
    this.blobRequests.inc({ method, status: String(s.status) });
    if (s.bytesIn) this.blobBytes.inc({ direction: 'in' }, s.bytesIn);
    if (s.bytesOut) this.blobBytes.inc({ direction: 'out' }, s.bytesOut);
  }

  /**
   * A gauge read at each scrape, such as the webhook outbox depth (see app.ts).
   */
  registerGauge(name: string, help: string, collect: () => number | Promise<number>): void {
    const onError = this.onError;
    new Gauge({
      name,
      help,
      registers: [this.registry],
      // One gauge that cannot be read (a database that is down, a pool with no free connection)
      // must not fail the whole scrape, nor hold it: it keeps its last value, and says why.
      async collect() {
        let timer: NodeJS.Timeout | undefined;
        try {
          const late = new Promise<never>(
            (_, reject) =>
              (timer = setTimeout(() => reject(new Error(`no value within ${GAUGE_TIMEOUT_MS} ms`)), GAUGE_TIMEOUT_MS)),
          );
          this.set(await Promise.race([Promise.resolve().then(collect), late]));
        } catch (err) {
          onError(name, err);
        } finally {
          clearTimeout(timer);
        }
      },
    });
  }

  /** The database pool, as `model_registry_db_pool_connections{state="max|open|in_use|idle|waiting"}`. */
  registerPool(read: () => PoolStats | null): void {
    new Gauge({
      name: 'model_registry_db_pool_connections',
      help: 'Database connections by state: max (pool size), open, in_use, idle, and waiting (callers queued for one). SQLite reports max and open only.',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        const stats = read();
        if (!stats) return;
        const states: [string, number | undefined][] = [
          ['max', stats.max],
          ['open', stats.open],
          ['in_use', stats.inUse],
          ['idle', stats.idle],
          ['waiting', stats.waiting],
        ];
        for (const [state, value] of states) if (value !== undefined) this.set({ state }, value);
      },
    });
  }

  private operationLabel(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (this.operations.has(name)) return name;
    if (this.operations.size >= MAX_OPERATION_LABELS) return 'other';
    this.operations.add(name);
    return name;
  }
}
