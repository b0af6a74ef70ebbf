import { orders } from '../../infra/services/orders';
import { IssueCollector } from '../model/errors';
import { defineService } from './define';
import type { ServiceSpec } from './spec';
import { validateServices } from './validate';

/** The problems validateServices finds in orders changed by `change`, as `path: message` lines. */
function problems(change: Partial<ServiceSpec>): string[] {
  const issues = new IssueCollector();
  validateServices([defineService({ ...orders, ...change } as ServiceSpec)], issues);
  return issues.issues.map((i) => `${i.path}: ${i.message}`);
}

describe('the alert options of a service', () => {
  it('accept the traffic guard, the page share, the limits and the new override keys', () => {
    expect(
      problems({
        errorRatioMinRequestsPerSecond: 0.5,
        targetDownPageShare: 1,
        resources: {
          limits: { cpuCores: 2, memoryBytes: 1024 ** 3 },
          cpuLimitShare: 0.7,
          memoryLimitShare: 1,
        },
        alerts: { overrides: { TargetsMissing: { severity: 'warning' }, 'TargetDown:share': { for: '5m' } } },
      }),
    ).toEqual([]);
  });

  it.each<[string, Partial<ServiceSpec>, string]>([
    [
      'a traffic guard of 0',
      { errorRatioMinRequestsPerSecond: 0 },
      'services.orders.errorRatioMinRequestsPerSecond: a request rate above 0, e.g. 0.1 (30 requests in 5 minutes)',
    ],
    [
      'a page share of 0',
      { targetDownPageShare: 0 },
      'services.orders.targetDownPageShare: a share above 0 and at most 1, e.g. 0.5',
    ],
    [
      'a page share written as a percentage',
      { targetDownPageShare: 50 },
      'services.orders.targetDownPageShare: a share from 0 to 1: write 0.5 for 50%',
    ],
    [
      'an absolute CPU threshold beside a CPU limit',
      { resources: { cpuCores: 1, limits: { cpuCores: 2 } } },
      'services.orders.resources.cpuCores: give either cpuCores (the threshold in cores) or limits.cpuCores with cpuLimitShare, not both',
    ],
    [
      'a memory share without the limit',
      { resources: { memoryLimitShare: 0.9 } },
      "services.orders.resources.memoryLimitShare: memoryLimitShare is a share of limits.memoryBytes: set the container's limit there",
    ],
    [
      'a CPU share above 1',
      { resources: { limits: { cpuCores: 1 }, cpuLimitShare: 1.2 } },
      'services.orders.resources.cpuLimitShare: a share from 0 to 1: write 0.012 for 1.2%',
    ],
    [
      'a negative memory limit',
      { resources: { limits: { memoryBytes: -1 } } },
      'services.orders.resources.limits.memoryBytes: Too small: expected number to be >0',
    ],
  ])('refuse %s, with its path', (_name, change, expected) => {
    expect(problems(change)).toEqual([expected]);
  });
});
