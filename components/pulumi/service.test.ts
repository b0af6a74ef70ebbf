import { createHash } from 'node:crypto';
import { services } from '../../infra/services';
import { synthStack } from '../stack';
import { testStackConfig } from '../stack/testing';
import { MonitoredService } from './service';
import { installMocks, valueOf } from './testing';

const mocks = installMocks('dev');
const synth = synthStack(testStackConfig('docker'), services, { environment: 'dev' });
const orders = new MonitoredService('dev-service-orders', { service: services[0], synth });

beforeAll(() => mocks.settle());

describe('MonitoredService', () => {
  it('is a component in the tree, with no resources of its own and no inputs in state', () => {
    const registered = mocks.named('dev-service-orders');
    expect(registered.type).toBe('promstack:index:MonitoredService');
    expect(registered.custom).toBe(false);
    expect(registered.inputs).toEqual({});
  });

  it('outputs what the stack derived from the service', async () => {
    expect(await valueOf(orders.job)).toBe('orders');
    expect(await valueOf(orders.team)).toBe('shop');
    expect(await valueOf(orders.dashboardUid)).toBe('svc-orders');
    const alerts = await valueOf(orders.alerts);
    expect(Object.keys(alerts)).toEqual(
      synth.summary.alerts.filter((a) => a.service === 'orders').map((a) => a.key),
    );
    expect(alerts.HighErrorRate).toEqual({ alertname: 'HighErrorRate', severity: 'critical', tested: true });
    const rules = synth.files['prometheus/rules/orders.yml'];
    expect(await valueOf(orders.ruleFile)).toEqual({
      path: 'prometheus/rules/orders.yml',
      sha256: createHash('sha256').update(rules).digest('hex').slice(0, 16),
      bytes: Buffer.byteLength(rules),
    });
  });
});
