import { services } from '../infra/services';
import { syntheticService } from '../bench/catalogue';
import { seriesLabels, serviceContext, targetLabels, type ServiceContext } from './context';

describe('targetLabels', () => {
  const contexts = [...services.map(serviceContext), serviceContext(syntheticService(7))];
  const extras: Record<string, string>[] = [
    {},
    { le: '0.5' },
    { status: '500', method: 'GET' },
    { le: '+Inf', quote: 'a "b" \\ c' },
    { 10: 'ten', 2: 'two', z: 'z' },
    // Labels of the scrape's own names keep their place in the full form: the short form must not be used.
    { job: 'other', le: '1' },
    { le: '1', instance: 'host:9' },
    { service: 'x' },
  ];
  it.each(extras)('writes %j as the full form does, for every service', (extra) => {
    for (const ctx of contexts) {
      // Twice: the first call writes the service's own part, the second reuses it.
      expect(targetLabels(ctx, extra)).toBe(seriesLabels(ctx, extra));
      expect(targetLabels(ctx, extra)).toBe(seriesLabels(ctx, extra));
    }
  });

  it('follows a context whose job or service changed after its first use', () => {
    const ctx: ServiceContext = { ...serviceContext(syntheticService(1)) };
    expect(targetLabels(ctx)).toBe('instance="svc-00001:8080",job="svc-00001",service="svc-00001"');
    ctx.job = 'renamed';
    expect(targetLabels(ctx, { le: '1' })).toBe(seriesLabels(ctx, { le: '1' }));
    expect(targetLabels(ctx)).toContain('job="renamed"');
  });
});
