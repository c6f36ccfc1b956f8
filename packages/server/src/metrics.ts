import { Counter, Gauge, Histogram, Registry } from 'prom-client'

/** The gateway's Prometheus metrics, in a registry of its own (two gateways in one process do not mix). */
export class GatewayMetrics {
  readonly registry = new Registry()
  readonly requests = new Counter({
    name: 'llmkit_gateway_requests_total',
    help: 'HTTP requests by route, method, status, provider and model',
    labelNames: ['route', 'method', 'status', 'provider', 'model'] as const,
    registers: [this.registry],
  })
  readonly latency = new Histogram({
    name: 'llmkit_gateway_request_duration_seconds',
    help: 'Time to answer, by route, provider and model (streams: until the end)',
    labelNames: ['route', 'provider', 'model'] as const,
    buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  })
  readonly upstreamErrors = new Counter({
    name: 'llmkit_gateway_upstream_errors_total',
    help: 'Failures of provider calls, by provider, model and llmkit error code',
    labelNames: ['provider', 'model', 'code'] as const,
    registers: [this.registry],
  })
  readonly jobsInFlight = new Gauge({
    name: 'llmkit_gateway_jobs_in_flight',
    help: 'Jobs this gateway is running (or waiting on upstream)',
    registers: [this.registry],
  })
  readonly rejected = new Counter({
    name: 'llmkit_gateway_limited_total',
    help: 'Requests refused by a key limit, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  })

  text(): Promise<string> {
    return this.registry.metrics()
  }
}
