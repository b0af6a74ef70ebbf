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
  slos: [{ name: 'availability', objective: 99.5, description: 'Order API requests answered without a 5xx' }],
});
