import { syntheticCatalogue } from '../../bench/catalogue';
import { services } from '../../infra/services';
import { serviceShape, serviceShapeHolds } from './validate';

/** A deep copy made in this realm (structuredClone's objects would have another realm's prototype). */
function copyOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyOf);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyOf(v)]));
}

type Service = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('serviceShapeHolds', () => {
  const catalogue = syntheticCatalogue(40) as unknown as Service[];
  const all = [...(services as unknown as Service[]), ...catalogue];

  it('holds for the bench catalogue, and only where the schema takes a service', () => {
    expect(catalogue.every(serviceShapeHolds)).toBe(true);
    for (const service of all)
      if (serviceShapeHolds(service)) expect(serviceShape.safeParse(service).success).toBe(true);
  });

  // Each edit breaks or changes a copy of a catalogue service: where the schema refuses it, the fast
  // check must not hold; where the check holds, the schema must take it.
  const edits: [string, (s: Service) => void][] = [
    ['no kind', (s) => delete s.kind],
    ['other kind', (s) => (s.kind = 'service')],
    ['upper-case name', (s) => (s.name = 'Svc')],
    ['one-letter name', (s) => (s.name = 's')],
    ['long name', (s) => (s.name = `s${'x'.repeat(40)}`)],
    ['name ending in a dash', (s) => (s.name = 'svc-')],
    ['bad team', (s) => (s.team = '1team')],
    ['number description', (s) => (s.description = 1)],
    ['unknown field', (s) => (s.owner = 'me')],
    ['undefined optional field', (s) => (s.description = undefined)],
    ['no scrape', (s) => delete s.scrape],
    ['no targets', (s) => delete s.scrape.targets],
    ['empty targets', (s) => (s.scrape.targets = {})],
    ['empty docker targets', (s) => (s.scrape.targets.docker = [])],
    ['bad docker target', (s) => (s.scrape.targets.docker = ['svc:0'])],
    ['docker target without port', (s) => (s.scrape.targets.docker = ['svc'])],
    ['bad local target', (s) => (s.scrape.targets.local = ['127.0.0.1:70000'])],
    ['bad namespace', (s) => (s.scrape.targets.kubernetes.namespace = 'Team')],
    ['no pod labels', (s) => (s.scrape.targets.kubernetes.podLabels = {})],
    ['bad pod label', (s) => (s.scrape.targets.kubernetes.podLabels = { 'a b': 'x' })],
    ['bad pod label value', (s) => (s.scrape.targets.kubernetes.podLabels = { app: 'a b' })],
    ['bad pod label prefix', (s) => (s.scrape.targets.kubernetes.podLabels = { 'A/app': 'x' })],
    ['long pod label value', (s) => (s.scrape.targets.kubernetes.podLabels = { app: 'x'.repeat(64) })],
    ['number pod label value', (s) => (s.scrape.targets.kubernetes.podLabels = { app: 1 })],
    [
      'pod labels',
      (s) => (s.scrape.targets.kubernetes.podLabels = { 'app.kubernetes.io/name': 'a', tier: '' }),
    ],
    ['bad port', (s) => (s.scrape.targets.kubernetes.port = 0)],
    ['fractional port', (s) => (s.scrape.targets.kubernetes.port = 80.5)],
    ['unknown kubernetes field', (s) => (s.scrape.targets.kubernetes.role = 'pod')],
    ['relative path', (s) => (s.scrape.path = 'metrics')],
    ['path', (s) => (s.scrape.path = '/m')],
    ['bad interval', (s) => (s.scrape.interval = '1 minute')],
    ['interval and timeout', (s) => Object.assign(s.scrape, { interval: '30s', timeout: '10s' })],
    ['other scheme', (s) => (s.scrape.scheme = 'ftp')],
    ['zero sample limit', (s) => (s.scrape.sampleLimit = 0)],
    ['sample limit', (s) => (s.scrape.sampleLimit = 1000)],
    ['bearer token file', (s) => (s.scrape.bearerTokenFile = { secret: 'token' })],
    ['no metrics', (s) => delete s.metrics],
    ['bad metric name', (s) => (s.metrics['http-requests'] = { type: 'counter', labels: [] })],
    ['bad metric type', (s) => (s.metrics.x_total = { type: 'count', labels: [] })],
    ['bad metric label', (s) => (s.metrics.x_total = { type: 'counter', labels: ['a-b'] })],
    ['no metric labels', (s) => (s.metrics.x_total = { type: 'counter' })],
    ['number help', (s) => (s.metrics.x_total = { type: 'counter', labels: [], help: 1 })],
    ['histogram by series name', (s) => (s.metrics.x_bucket = { type: 'histogram', labels: [] })],
    ['gauge named _sum', (s) => (s.metrics.x_sum = { type: 'gauge', labels: [] })],
    ['buckets', (s) => (s.metrics.x = { type: 'histogram', labels: [], buckets: [0.1, 1] })],
    ['unknown metric field', (s) => (s.metrics.x = { type: 'gauge', labels: [], unit: 's' })],
    ['bad red label', (s) => (s.red.errors.label = 'a-b')],
    ['no red requests', (s) => delete s.red.requests],
    ['unknown red field', (s) => (s.red.saturation = 'x')],
    ['zero cpu', (s) => (s.resources.cpuCores = 0)],
    ['infinite cpu', (s) => (s.resources.cpuCores = Infinity)],
    ['fractional memory', (s) => (s.resources.memoryBytes = 1.5)],
    ['limits', (s) => (s.resources.limits = { cpuCores: 1 })],
    ['share without limit', (s) => (s.resources.cpuLimitShare = 0.5)],
    ['negative latency threshold', (s) => (s.latencyThresholdSeconds = -1)],
    ['error ratio as a percentage', (s) => (s.errorRatioThreshold = 5)],
    ['error ratio of 1', (s) => (s.errorRatioThreshold = 1)],
    ['zero request rate', (s) => (s.errorRatioMinRequestsPerSecond = 0)],
    ['request rate', (s) => (s.errorRatioMinRequestsPerSecond = 0.1)],
    ['target down share', (s) => (s.targetDownPageShare = 2)],
    ['slo objective 100', (s) => (s.slos[0].objective = 100)],
    ['slo objective NaN', (s) => (s.slos[0].objective = NaN)],
    ['bad slo name', (s) => (s.slos[0].name = 'Avail')],
    ['bad slo period', (s) => (s.slos[0].period = '14d')],
    ['slo period', (s) => (s.slos[0].period = '7d')],
    ['slo sli', (s) => (s.slos[0].sli = { availability: {} })],
    ['unknown slo field', (s) => (s.slos[0].window = '5m')],
    ['slos not a list', (s) => (s.slos = s.slos[0])],
    ['alerts', (s) => (s.alerts = { overrides: {} })],
    ['labels', (s) => (s.labels = { tier: '1' })],
    ['null field', (s) => (s.description = null)],
  ];

  it.each(edits)('agrees with the schema on a service with %s', (_name, edit) => {
    const service = copyOf(catalogue[3]) as Service;
    edit(service);
    if (serviceShapeHolds(service)) expect(serviceShape.safeParse(service).success).toBe(true);
  });

  it('holds for the valid edits within its fields, so the comparisons above are not empty', () => {
    const held = edits.filter(([, edit]) => {
      const service = copyOf(catalogue[3]) as Service;
      edit(service);
      return serviceShapeHolds(service);
    });
    expect(held.map(([name]) => name)).toEqual([
      'undefined optional field',
      'empty targets',
      'pod labels',
      'path',
      'interval and timeout',
      'sample limit',
      'gauge named _sum',
      'error ratio of 1',
      'request rate',
      'slo period',
    ]);
  });
});
