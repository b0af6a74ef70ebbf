import { services } from '../../infra/services';
import { ValidationError } from '../model/errors';
import { grafanaWorkload } from '../platforms/workload';
import { DEFAULT_INGRESS_CONTROLLER } from './config';
import { synthStack, validateStack } from './synth';
import { testStackConfig, type TestStackName } from './testing';

type Obj = Record<string, unknown>;

/** A test stack with its `grafana` section changed. */
function withGrafana(grafana: Obj, stack: TestStackName = 'kubernetes'): Obj {
  const config = testStackConfig(stack) as Obj;
  const { rootUrl: _, ...rest } = (config.grafana ?? {}) as Obj;
  return { ...config, grafana: { ...rest, ...grafana } };
}

/** The issues under `stack.grafana`, as `path: message`; none when the stack is valid. */
function grafanaIssues(input: Obj): string[] {
  try {
    validateStack(input, services);
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.issues
      .filter((i) => i.path.startsWith('stack.grafana'))
      .map((i) => `${i.path}: ${i.message}`);
  }
}

const INGRESS = { host: 'grafana.example.com', tlsSecretName: 'grafana-tls' };

describe("Grafana's secret key", () => {
  it('is read from its own stack secret, grafana-secret-key unless the config names another', () => {
    const w = grafanaWorkload(synthStack(withGrafana({}), services, { environment: 'prod' }));
    expect(w.env.GF_SECURITY_SECRET_KEY__FILE).toBe('/etc/grafana/promstack/secrets/grafana-secret-key');
    expect(w.env.GF_SECURITY_SECRET_KEY).toBeUndefined();
    expect(w.secretFiles).toContainEqual({
      path: '/etc/grafana/promstack/secrets/grafana-secret-key',
      secretName: 'grafana-secret-key',
    });
    const named = grafanaWorkload(
      synthStack(withGrafana({ secretKeySecret: 'ops-grafana-key' }), services, { environment: 'prod' }),
    );
    expect(named.env.GF_SECURITY_SECRET_KEY__FILE).toBe('/etc/grafana/promstack/secrets/ops-grafana-key');
    expect(named.secretFiles.map((f) => f.secretName)).toContain('ops-grafana-key');
    expect(named.secretFiles.map((f) => f.secretName)).not.toContain('grafana-secret-key');
  });

  it('is refused when it would share the admin password secret', () => {
    expect(grafanaIssues(withGrafana({ secretKeySecret: 'grafana-admin-password' }))).toEqual([
      'stack.grafana.secretKeySecret: the admin password secret grafana-admin-password too: give the secret key a secret of its own',
    ]);
  });
});

describe("Grafana's Ingress", () => {
  it('derives the root URL from the host when unset, so that links and secure cookies follow', () => {
    const synth = synthStack(withGrafana({ ingress: INGRESS }), services, { environment: 'prod' });
    expect(synth.config.grafana.rootUrl).toBe('https://grafana.example.com/');
    expect(synth.config.grafana.ingress?.controllerFrom).toEqual([DEFAULT_INGRESS_CONTROLLER]);
    const w = grafanaWorkload(synth);
    expect(w.env.GF_SERVER_ROOT_URL).toBe('https://grafana.example.com/');
    expect(w.env.GF_SECURITY_COOKIE_SECURE).toBe('true');
    expect(w.env.GF_SERVER_SERVE_FROM_SUB_PATH).toBeUndefined();
    expect(synth.files['prometheus/rules/orders.yml']).toContain(
      'dashboard_url: https://grafana.example.com/d/',
    );
  });

  it('serves Grafana from the sub-path of a root URL below the host', () => {
    const synth = synthStack(
      withGrafana({ ingress: INGRESS, rootUrl: 'https://grafana.example.com/grafana/' }),
      services,
      { environment: 'prod' },
    );
    expect(grafanaWorkload(synth).env.GF_SERVER_SERVE_FROM_SUB_PATH).toBe('true');
  });

  it.each([
    ['http://grafana.example.com/', 'plain http'],
    ['https://other.example.com/', 'another host'],
    ['https://grafana.example.com:8443/', 'another port'],
  ])('refuses a root URL the Ingress does not serve: %s (%s)', (rootUrl) => {
    expect(grafanaIssues(withGrafana({ ingress: INGRESS, rootUrl }))).toEqual([
      'stack.grafana.rootUrl: Grafana is reached at https://grafana.example.com/ through its Ingress (TLS only): write https://grafana.example.com/ (or a path below it), or leave rootUrl unset',
    ]);
  });

  it.each(['*.example.com', 'Grafana.example.com', 'grafana', '10.0.0.1', 'grafana.example.com:443', ''])(
    'refuses the host %j',
    (host) => {
      expect(grafanaIssues(withGrafana({ ingress: { ...INGRESS, host } }))).toEqual([
        expect.stringMatching(
          /^stack\.grafana\.ingress\.host: invalid host .*: write a DNS name such as grafana\.example\.com/,
        ),
      ]);
    },
  );

  it('requires TLS: a certificate Secret, named as Kubernetes names objects', () => {
    expect(grafanaIssues(withGrafana({ ingress: { host: INGRESS.host } }))).toEqual([
      expect.stringMatching(/^stack\.grafana\.ingress\.tlsSecretName: /),
    ]);
    expect(grafanaIssues(withGrafana({ ingress: { ...INGRESS, tlsSecretName: 'Grafana_TLS' } }))).toEqual([
      expect.stringMatching(/^stack\.grafana\.ingress\.tlsSecretName: invalid name "Grafana_TLS"/),
    ]);
  });

  it('refuses bad annotation keys, an empty controller list and unknown fields, each with its path', () => {
    expect(
      grafanaIssues(
        withGrafana({
          ingress: { ...INGRESS, annotations: { 'bad key': 'x' }, controllerFrom: [], tls: true },
        }),
      ),
    ).toEqual([
      expect.stringMatching(/^stack\.grafana\.ingress: .*tls/),
      expect.stringMatching(
        /^stack\.grafana\.ingress\.annotations\.bad key: invalid annotation key "bad key"/,
      ),
      'stack.grafana.ingress.controllerFrom: name the ingress controller: it must reach Grafana through its NetworkPolicy',
    ]);
  });

  it('is refused on Docker, which has no Ingress', () => {
    expect(grafanaIssues(withGrafana({ ingress: INGRESS }, 'docker'))).toEqual([
      'stack.grafana.ingress: an Ingress exists on Kubernetes only: on Docker remove it and put your TLS proxy in front of docker.grafanaBindAddress',
    ]);
  });
});
