import { ValidationError } from '../model/errors';
import { validateStack } from './synth';
import { testStackConfig } from './testing';

/** What the Docker stack lets other machines reach: only Grafana, which has a login. */
describe('published addresses on Docker', () => {
  const withDocker = (docker: Record<string, unknown>) => {
    const config = testStackConfig('docker') as Record<string, unknown>;
    return { ...config, docker: { ...(config.docker as object), ...docker } };
  };
  const issuesOf = (input: unknown) => {
    try {
      validateStack(input, []);
      return [];
    } catch (error) {
      if (error instanceof ValidationError) return error.issues;
      throw error;
    }
  };

  it.each(['0.0.0.0', '192.168.1.20'])(
    'refuses Prometheus and Alertmanager on %s, which have no login, naming the field and the way out',
    (address) => {
      expect(issuesOf(withDocker({ bindAddress: address }))).toEqual([
        {
          path: 'stack.docker.bindAddress',
          message: expect.stringMatching(
            new RegExp(`no login: published on ${address.replace(/\./g, '\\.')} .*keep a loopback address`),
          ),
        },
      ]);
    },
  );

  it('accepts loopback addresses, and Grafana (which has a login) on every interface', () => {
    expect(issuesOf(withDocker({ bindAddress: '127.0.0.1', grafanaBindAddress: '0.0.0.0' }))).toEqual([]);
    expect(issuesOf(withDocker({ bindAddress: '127.0.0.2' }))).toEqual([]);
  });
});
