import { orders } from '../../infra/services/orders';
import { IssueCollector } from '../model/errors';
import { defineService } from './define';
import type { ServiceSpec } from './spec';
import { validateServices } from './validate';

describe("a service's Kubernetes targets", () => {
  const problems = (kubernetes: Record<string, unknown>) => {
    const targets = {
      ...orders.scrape.targets,
      kubernetes: { ...orders.scrape.targets.kubernetes, ...kubernetes },
    };
    const issues = new IssueCollector();
    validateServices(
      [defineService({ ...orders, scrape: { ...orders.scrape, targets } } as ServiceSpec)],
      issues,
    );
    return issues.issues.map((i) => `${i.path}: ${i.message}`);
  };

  it('refuses a namespace the API server would refuse, before anything is created', () =>
    expect(problems({ namespace: 'Shop_Prod' })).toEqual([
      expect.stringMatching(
        /^services\.orders\.scrape\.targets\.kubernetes\.namespace: invalid name "Shop_Prod"/,
      ),
    ]));

  it('refuses a pod label value a selector cannot hold, at its key', () =>
    expect(problems({ podLabels: { app: 'orders service' } })).toEqual([
      expect.stringMatching(
        /^services\.orders\.scrape\.targets\.kubernetes\.podLabels\.app: invalid label value "orders service"/,
      ),
    ]));
});
