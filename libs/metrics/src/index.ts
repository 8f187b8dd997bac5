export { Metrics, metricsServed, ScrapeCollector } from './metrics';
export { metricsTokenMatches, MetricsServer, startMetricsServer } from './metrics-server';
