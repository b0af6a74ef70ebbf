import { BACKEND_METRICS, HTTP_REQUEST_DURATION_SECONDS, HTTP_REQUESTS_TOTAL } from '../../backend/metrics';
import { defineService } from '../../components/service';

/** The example backend: the first service the stack monitors, and the one the alert drill breaks. */
export const orders = defineService({
  name: 'orders',
  team: 'shop',
  description: 'Order API (the instrumented example backend in backend/)',
  scrape: {
    targets: {
      docker: ['orders:8080'],
      kubernetes: { namespace: 'shop', podLabels: { app: 'orders' }, port: 8080 },
      local: ['127.0.0.1:18080'],
    },
  },
  metrics: BACKEND_METRICS,
  red: {
    requests: HTTP_REQUESTS_TOTAL,
    errors: { label: 'status', regex: '5..' },
    latency: HTTP_REQUEST_DURATION_SECONDS,
  },
  latencyThresholdSeconds: 0.5,
  // The drill burns the first SLO (availability) with errors and the latency SLO with slow answers
  // (1s, beyond the 0.5s bucket).
  slos: [
    { name: 'availability', objective: 99.5, description: 'Order API requests answered without a 5xx' },
    {
      name: 'latency',
      objective: 99,
      // A week's windows are a quarter of a month's: so are the generated tests' minutes.
      period: '7d',
      description: 'Order API requests answered within 500 ms',
      sli: { latency: { le: 0.5 } },
    },
  ],
});
