import { services } from '../../infra/services';
import { ValidationError } from '../model/errors';
import { validateStack } from '../stack';
import { IMAGES } from '../stack/images';
import { secretValues, testStackConfig, TEST_STACK_SECRETS, type TestStackName } from '../stack/testing';
import { MonitoringStack } from './stack';
import { installMocks, unwrapSecrets } from './testing';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const mocks = installMocks('prod');

const SECRETS = secretValues(TEST_STACK_SECRETS.kubernetes);

/** Each tool's pinned image with a digest beside its tag, as `docker buildx imagetools inspect` names it. */
const DIGESTS = {
  prometheus: `${IMAGES.prometheus}@sha256:${'1'.repeat(64)}`,
  alertmanager: `${IMAGES.alertmanager}@sha256:${'2'.repeat(64)}`,
  grafana: `${IMAGES.grafana}@sha256:${'3'.repeat(64)}`,
};

function pinned(stack: TestStackName): Obj {
  const config = testStackConfig(stack) as Obj;
  return {
    ...config,
    prometheus: { ...config.prometheus, image: DIGESTS.prometheus },
    alertmanager: { ...config.alertmanager, image: DIGESTS.alertmanager },
    grafana: { ...config.grafana, image: DIGESTS.grafana },
  };
}

const capture = { transformations: [mocks.transformation] };
new MonitoringStack(
  'docker',
  { stack: pinned('docker'), services, environment: 'dev', secrets: SECRETS },
  capture,
);
new MonitoringStack(
  'k8s',
  { stack: pinned('kubernetes'), services, environment: 'prod', secrets: SECRETS },
  capture,
);

beforeAll(() => mocks.settle());

describe('an image digest in the stack config', () => {
  it('is what Docker pulls, verbatim', () => {
    const pulled = mocks
      .ofType('docker:index/remoteImage:RemoteImage')
      .filter((r) => r.name.startsWith('docker-'))
      .map((r) => r.inputs.name as string);
    expect(pulled).toEqual(expect.arrayContaining(Object.values(DIGESTS)));
  });

  it('is what every Kubernetes pod runs, verbatim', () => {
    const images = (name: string) =>
      ((unwrapSecrets(mocks.named(name).inputs) as Obj).spec.template.spec.containers as Obj[]).map(
        (c) => c.image,
      );
    expect(images('k8s-prometheus-statefulset')).toContain(DIGESTS.prometheus);
    expect(images('k8s-alertmanager-statefulset')).toContain(DIGESTS.alertmanager);
    expect(images('k8s-grafana-deployment')).toEqual([DIGESTS.grafana]);
  });

  it('is refused, with its path, when it is not a sha256 digest', () => {
    const config = pinned('kubernetes');
    config.grafana = { ...config.grafana, image: `${IMAGES.grafana}@sha256:${'3'.repeat(40)}` };
    let error: unknown;
    try {
      validateStack(config, services);
    } catch (caught) {
      error = caught;
    }
    expect((error as ValidationError).issues).toEqual([
      {
        path: 'stack.grafana.image',
        message: expect.stringContaining('a digest is sha256: and 64 lower-case hex digits'),
      },
    ]);
  });
});
