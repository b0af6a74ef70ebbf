import { services } from '../../infra/services';
import { synthStack } from '../stack';
import { testStackConfig } from '../stack/testing';
import { stackSecretNames } from './stack-secrets';

describe('stackSecretNames', () => {
  it("lists every secret the configs name, Grafana's password and key, and the web login", () => {
    const synth = synthStack(testStackConfig('kubernetes'), services, { environment: 'prod' });
    expect(stackSecretNames(synth)).toEqual([
      'grafana-admin-password',
      'grafana-secret-key',
      'mimir-password',
      'pagerduty-platform-routing-key',
      'pagerduty-shop-routing-key',
      'slack-webhook-url',
      'web-password',
    ]);
  });

  it('lists the TLS certificate and key, which only the servers mount', () => {
    const config = testStackConfig('kubernetes');
    const tls = { certSecret: 'web-cert', keySecret: 'web-key', caSecret: 'web-ca' };
    const synth = synthStack({ ...config, webAuth: { ...config.webAuth, tls } }, services, {
      environment: 'prod',
    });
    expect(stackSecretNames(synth)).toEqual(expect.arrayContaining(['web-ca', 'web-cert', 'web-key']));
  });
});
