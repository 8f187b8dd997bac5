import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const APPEND_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

type CounterChild = { inc(value?: number): void };
type HistogramChild = { observe(value: number): void };

/** Something a scrape asks for its current values (projection checkpoints, queue depth). */
export type ScrapeCollector = (metrics: Metrics) => Promise<void>;

/**
 * The Prometheus metrics of one process (its own registry, so several apps in one test process do not
 * share series). Recording is a Map lookup and an add: the label children of hot series are cached.
 * Contexts take `Metrics` by injection and record through the named fields; a new series belongs here.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route (the route template, "unmatched" for no route) and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });
  readonly keyVerifications = new Counter({
    name: 'api_key_verifications_total',
    help: 'POST /v1/keys/verify answers by outcome: valid, or the error code (invalid_key, scope_denied, ...)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly signIns = new Counter({
    name: 'sign_ins_total',
    help: 'Sign-in attempts by outcome: success, mfa_required, or the error code (invalid_credentials, account_locked, ...)',
    labelNames: ['outcome'] as const,
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
  private readonly requestChildren = new Map<string, { count: CounterChild; duration: HistogramChild }>();
  private readonly verificationChildren = new Map<string, CounterChild>();

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** One answered request; `seconds` from receipt to the end of the answer. */
  recordRequest(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route} ${status}`;
    let children = this.requestChildren.get(key);
    if (!children) {
      const labels = { method, route, status: String(status) };
      children = { count: this.httpRequests.labels(labels), duration: this.httpDuration.labels(labels) };
      this.requestChildren.set(key, children);
    }
    children.count.inc();
    children.duration.observe(seconds);
  }

  recordKeyVerification(outcome: string): void {
    let child = this.verificationChildren.get(outcome);
    if (!child) this.verificationChildren.set(outcome, (child = this.keyVerifications.labels({ outcome })));
    child.inc();
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
