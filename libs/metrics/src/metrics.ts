import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const APPEND_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

type Labels = Record<string, string>;

/** One label set of a hot series: plain numbers, added to in place (no hashing, no allocation per record). */
interface Slot {
  readonly labels: Labels;
  count: number;
  sum: number;
  /** Observations per bucket (not cumulative): index i counts values <= buckets[i], the last one above all. */
  readonly perBucket: Float64Array;
}

const newSlot = (labels: Labels, buckets: number): Slot => ({ labels, count: 0, sum: 0, perBucket: new Float64Array(buckets + 1) });

/**
 * A series recorded on the hot path, written to the registry's text format when scraped (prom-client's
 * own counters hash their labels on every increment: several times the cost of these few additions).
 */
class HotSeries {
  readonly slots: Slot[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets?: readonly number[],
  ) {}

  slot(labels: Labels): Slot {
    const slot = newSlot(labels, this.buckets?.length ?? 0);
    this.slots.push(slot);
    return slot;
  }

  observe(slot: Slot, value: number): void {
    slot.count += 1;
    slot.sum += value;
    const buckets = this.buckets!;
    let index = 0;
    while (index < buckets.length && value > buckets[index]) index += 1;
    slot.perBucket[index] += 1;
  }

  /** The prom-client Metric shape the registry formats (a counter, or a histogram with buckets). */
  asMetric(): object {
    const series = { name: this.name, help: this.help, buckets: this.buckets, slots: this.slots };
    return {
      name: series.name,
      help: series.help,
      type: series.buckets ? 'histogram' : 'counter',
      aggregator: 'sum',
      get: async () => ({
        name: series.name,
        help: series.help,
        type: series.buckets ? 'histogram' : 'counter',
        aggregator: 'sum',
        values: series.slots.flatMap((slot): Array<{ labels: Record<string, string | number>; value: number; metricName?: string }> => {
          if (!series.buckets) return [{ labels: slot.labels, value: slot.count }];
          let cumulative = 0;
          const buckets = [...series.buckets, Infinity].map((bound, index) => {
            cumulative += slot.perBucket[index];
            const le = bound === Infinity ? '+Inf' : bound;
            return { labels: { ...slot.labels, le }, value: cumulative, metricName: `${series.name}_bucket` };
          });
          return [
            ...buckets,
            { labels: slot.labels, value: slot.sum, metricName: `${series.name}_sum` },
            { labels: slot.labels, value: slot.count, metricName: `${series.name}_count` },
          ];
        }),
      }),
      reset: () => undefined,
    };
  }
}

/**
 * Metrics are served (METRICS_PORT or METRICS_TOKEN set). Only then are requests timed and counted per
 * route: off, nobody can read them, so the hot paths skip the clock reads and the additions.
 */
export const metricsServed = (config: { readonly metricsPort?: number; readonly metricsToken?: string }): boolean =>
  config.metricsPort !== undefined || config.metricsToken !== undefined;

/** Something a scrape asks for its current values (projection checkpoints, queue depth). */
export type ScrapeCollector = (metrics: Metrics) => Promise<void>;

/**
 * The Prometheus metrics of one process (its own registry, so several apps in one test process do not
 * share series). Recording is a Map lookup and an add: the label children of hot series are cached.
 * Contexts take `Metrics` by injection and record through the named fields; a new series belongs here.
 */
export class Metrics {
  readonly registry = new Registry();

  /** `http_requests_total` and `http_request_duration_seconds` (its `_count` is the same count, per series). */
  private readonly httpRequests = new HotSeries(
    'http_requests_total',
    'HTTP requests answered, by method, route (the route template, "unmatched" for no route) and status',
  );
  private readonly httpDuration = new HotSeries(
    'http_request_duration_seconds',
    'Time to answer an HTTP request, by method, route and status',
    HTTP_BUCKETS,
  );
  private readonly keyVerifications = new HotSeries(
    'api_key_verifications_total',
    'POST /v1/keys/verify answers by outcome: valid, or the error code (invalid_key, scope_denied, ...)',
  );

  readonly signIns = new Counter({
    name: 'sign_ins_total',
    help: 'Sign-in attempts by method (password, oidc, second_step) and outcome: success, mfa_required, or the error code (invalid_credentials, invalid_mfa, account_locked, ...)',
    labelNames: ['method', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly usageRecordsAccepted = new Counter({
    name: 'usage_records_accepted_total',
    help: 'Usage records accepted (duplicates and rejected records not counted), by service',
    labelNames: ['service'] as const,
    registers: [this.registry],
  });
  readonly eventStoreAppendDuration = new Histogram({
    name: 'event_store_append_duration_seconds',
    help: 'Time of one append to the event store, by adapter and result (ok, conflict, error)',
    labelNames: ['adapter', 'result'] as const,
    buckets: APPEND_BUCKETS,
    registers: [this.registry],
  });
  readonly projectionLag = new Gauge({
    name: 'projection_lag_events',
    help: 'Matching events a projection has not applied yet (1000 means at least 1000)',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });
  readonly projectionLagSeconds = new Gauge({
    name: 'projection_lag_seconds',
    help: 'How long ago the oldest event a projection has not applied yet occurred (0 when caught up)',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });
  readonly projectionCheckpoint = new Gauge({
    name: 'projection_checkpoint_position',
    help: 'Global log position of the last event a projection applied (the generation that serves reads)',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });
  readonly eventStoreHead = new Gauge({
    name: 'event_store_head_position',
    help: 'Global log position up to which the log is final and readable',
    registers: [this.registry],
  });
  readonly queueJobs = new Gauge({
    name: 'job_queue_jobs',
    help: 'Jobs per queue and state (waiting, active, delayed, completed, failed: failed jobs kept for inspection)',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });
  readonly scrapeErrors = new Counter({
    name: 'metrics_collect_errors_total',
    help: 'Scrape-time collectors that failed (their series keep the previous values)',
    labelNames: ['collector'] as const,
    registers: [this.registry],
  });

  private readonly collectors = new Map<string, ScrapeCollector>();
  /** method -> route -> status -> the slots of both series: three Map lookups per request, no string built. */
  private readonly requestSlots = new Map<string, Map<string, Map<number, { count: Slot; duration: Slot }>>>();
  private readonly verificationSlots = new Map<string, Slot>();

  constructor(options: { processMetrics?: boolean } = {}) {
    for (const series of [this.httpRequests, this.httpDuration, this.keyVerifications]) {
      this.registry.registerMetric(series.asMetric() as never);
    }
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** One answered request; `seconds` from receipt to the end of the answer. */
  recordRequest(method: string, route: string, status: number, seconds: number): void {
    let routes = this.requestSlots.get(method);
    if (!routes) this.requestSlots.set(method, (routes = new Map()));
    let statuses = routes.get(route);
    if (!statuses) routes.set(route, (statuses = new Map()));
    let slots = statuses.get(status);
    if (!slots) {
      const labels = { method, route, status: String(status) };
      slots = { count: this.httpRequests.slot(labels), duration: this.httpDuration.slot(labels) };
      statuses.set(status, slots);
    }
    slots.count.count += 1;
    this.httpDuration.observe(slots.duration, seconds);
  }

  recordKeyVerification(outcome: string): void {
    let slot = this.verificationSlots.get(outcome);
    if (!slot) this.verificationSlots.set(outcome, (slot = this.keyVerifications.slot({ outcome })));
    slot.count += 1;
  }

  /** Registers (or replaces) a collector that fills gauges when `/metrics` is scraped. */
  collectOnScrape(name: string, collector: ScrapeCollector): void {
    this.collectors.set(name, collector);
  }

  /** The Prometheus text exposition of every series, after the scrape-time collectors ran. */
  async scrape(timeoutMs = 2_000): Promise<{ contentType: string; body: string }> {
    await Promise.all(
      [...this.collectors].map(async ([name, collector]) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          // A queue whose server is down must not hold the scrape: its series keep their last values.
          await Promise.race([
            collector(this),
            new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), timeoutMs))),
          ]);
        } catch {
          this.scrapeErrors.labels({ collector: name }).inc();
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
