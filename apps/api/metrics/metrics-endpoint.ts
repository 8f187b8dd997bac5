import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ResolvedConfig } from '@app/config';
import { Runtime } from '@app/core';
import { Metrics, metricsTokenMatches, MetricsServer, startMetricsServer } from '@app/metrics';
import { ReadSide } from '@app/projections';

/** Projection lag and checkpoints, the log's head and the depth of every queue, read when scraped. */
export function collectReadSideMetrics(metrics: Metrics, readSide: ReadSide, runtime: Runtime): void {
  metrics.collectOnScrape('projections', async () => {
    const [{ projections }, head] = await Promise.all([readSide.status(), runtime.eventStore.headPosition()]);
    const now = runtime.clock.now().getTime();
    for (const projection of projections) {
      const labels = { projection: projection.name };
      metrics.projectionLag.set(labels, projection.lag);
      const waited = projection.oldestPendingAt ? Math.max(0, now - Date.parse(projection.oldestPendingAt)) / 1000 : 0;
      metrics.projectionLagSeconds.set(labels, waited);
      metrics.projectionCheckpoint.set(labels, Number(projection.position));
    }
    metrics.eventStoreHead.set(Number(head));
  });
  metrics.collectOnScrape('queues', async () => {
    const queues = [...new Set(runtime.readSide.workers.map((worker) => worker.queue))];
    await Promise.all(
      queues.map(async (queue) => {
        const counts = await runtime.queue.counts(queue);
        for (const [state, count] of Object.entries(counts)) metrics.queueJobs.set({ queue, state }, count);
      }),
    );
  });
}

/** `/metrics` is served on the app's port: METRICS_TOKEN set and METRICS_PORT not (the API reference lists it only then). */
export const metricsOnAppPort = (config: Pick<ResolvedConfig, 'metricsPort' | 'metricsToken'>): boolean =>
  config.metricsPort === undefined && config.metricsToken !== undefined;

/**
 * `GET /metrics`: on METRICS_PORT (its own server, no token) when set; else on the app's port with
 * `Authorization: Bearer <METRICS_TOKEN>`; without either, not served at all.
 */
export async function serveMetrics(runtime: Runtime, app?: NestFastifyApplication): Promise<MetricsServer | undefined> {
  const { metricsPort, metricsToken, host } = runtime.config;
  if (metricsPort !== undefined) return startMetricsServer(runtime.metrics, metricsPort, host);
  if (metricsToken === undefined || !app) return undefined;
  app
    .getHttpAdapter()
    .getInstance()
    .get('/metrics', async (request, reply) => {
      if (!metricsTokenMatches(request.headers.authorization, metricsToken)) {
        return reply
          .code(401)
          .header('content-type', 'application/json; charset=utf-8')
          .send({ error: 'unauthorized', message: 'Metrics need Authorization: Bearer <METRICS_TOKEN>' });
      }
      const { contentType, body } = await runtime.metrics.scrape();
      return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
    });
  return undefined;
}
