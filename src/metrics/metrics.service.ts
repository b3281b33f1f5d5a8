import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** One registry per app instance (tests boot several apps in one process). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'goodword_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern (never the raw URL: it may hold tokens)',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  /** Full eligibility aggregations over the customer table (dry runs, uncached funnel counts): the costly query. */
  readonly eligibilityAggregations = new Counter({
    name: 'goodword_eligibility_aggregations_total',
    help: 'Campaign eligibility aggregations run (dry runs and funnel cache misses)',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'goodword_' });
  }
}
