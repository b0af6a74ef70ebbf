import { ValidationError } from '../model/errors';
import { validateStack } from './synth';
import { testStackConfig } from './testing';

/**
 * What the Docker stack lets other machines reach: Grafana and, since both always ask for the webAuth
 * login, Prometheus and Alertmanager; never the dev containers, which have none.
 */
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
      // Without the inbox its receivers are refused too: only what the addresses cause matters here.
      if (error instanceof ValidationError)
        return error.issues.filter((i) => i.path.startsWith('stack.docker'));
      throw error;
    }
  };

  it.each(['0.0.0.0', '192.168.1.20'])(
    'accepts Prometheus and Alertmanager on %s: both ask for the login',
    (address) => {
      expect(
        issuesOf(withDocker({ bindAddress: address, exampleBackend: false, alertInbox: false })),
      ).toEqual([]);
    },
  );

  it.each([
    [{ exampleBackend: true }, /^the example backend has no login: published on 0\.0\.0\.0 /],
    [{ alertInbox: true }, /^the alert inbox has no login/],
    [{ exampleBackend: true, alertInbox: true }, /^the example backend and the alert inbox have no login/],
  ])('refuses the dev containers %j beyond loopback, naming the field and the way out', (dev, message) => {
    expect(
      issuesOf(withDocker({ bindAddress: '0.0.0.0', exampleBackend: false, alertInbox: false, ...dev })),
    ).toEqual([
      {
        path: 'stack.docker.bindAddress',
        message: expect.stringMatching(new RegExp(`${message.source}.*keep a loopback address`)),
      },
    ]);
  });

  it('accepts loopback addresses with the dev containers, and Grafana (which has a login) on every interface', () => {
    expect(
      issuesOf(withDocker({ bindAddress: '127.0.0.1', grafanaBindAddress: '0.0.0.0', exampleBackend: true })),
    ).toEqual([]);
    expect(issuesOf(withDocker({ bindAddress: '127.0.0.2', alertInbox: true }))).toEqual([]);
  });
});
