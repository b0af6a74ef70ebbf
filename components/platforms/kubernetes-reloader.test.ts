import * as pulumi from '@pulumi/pulumi';
import { services } from '../../infra/services';
import { installMocks, unwrapSecrets } from '../pulumi/testing';
import { synthStack } from '../stack';
import { secretValues, testStackConfig } from '../stack/testing';
import { CONFIG_RELOADER_NAME, configReloaderCommand } from './config-reloader';
import { deployKubernetesWorkload, type KubernetesPlacement } from './kubernetes';
import { clusterData, projectedFiles } from './testing';
import {
  alertmanagerWorkload,
  configChecksum,
  prometheusWorkload,
  secretsNeeded,
  type Workload,
} from './workload';

const mocks = installMocks('reload');

class Parent extends pulumi.ComponentResource {
  constructor(name: string) {
    super('test:index:Parent', name, {}, {});
  }
}
const parent = new Parent('reload');
const placement: KubernetesPlacement = {
  platform: 'kubernetes',
  namespace: 'monitoring',
  namespaceName: 'monitoring',
  labels: {},
};
const synth = synthStack(testStackConfig('kubernetes'), services, { environment: 'prod' });
const workloads = { prometheus: prometheusWorkload(synth), alertmanager: alertmanagerWorkload(synth) };
const secrets = secretValues(secretsNeeded(Object.values(workloads)));
for (const [name, workload] of Object.entries(workloads)) {
  deployKubernetesWorkload(`reload-${name}`, workload, placement, {
    parent,
    secrets,
    controller: 'StatefulSet',
  });
}

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const podSpec = (name: string): Obj =>
  (unwrapSecrets(mocks.named(`reload-${name}-statefulset`).inputs) as Obj).spec.template.spec;

beforeAll(() => mocks.settle());

describe.each(Object.keys(workloads) as (keyof typeof workloads)[])('%s on Kubernetes', (name) => {
  const workload: Workload = workloads[name];

  it('has a config reloader beside it, in its own image, signalling it by name across the shared process namespace', () => {
    const spec = podSpec(name);
    expect(spec.shareProcessNamespace).toBe(true);
    expect(spec.containers.map((c: Obj) => c.name)).toEqual([workload.name, CONFIG_RELOADER_NAME]);
    const [tool, reloader] = spec.containers as Obj[];
    expect(reloader.image).toBe(tool.image);
    // Every folder of ConfigMaps, mounted from the tool's own volume at the tool's own path, read-only.
    const configFolders = (tool.volumeMounts as Obj[]).filter((m) => {
      const volume = (spec.volumes as Obj[]).find((v) => v.name === m.name);
      return volume?.projected?.sources.some((s: Obj) => s.configMap);
    });
    expect(reloader.volumeMounts).toEqual(configFolders);
    expect(reloader.volumeMounts.every((m: Obj) => m.readOnly === true)).toBe(true);
    expect(reloader.command).toEqual(
      configReloaderCommand(
        { process: name },
        configFolders.map((m) => m.mountPath),
      ),
    );
    expect(reloader.ports).toBeUndefined();
  });

  it('meets the restricted Pod Security Standard with small resources', () => {
    const spec = podSpec(name);
    const reloader = (spec.containers as Obj[])[1];
    // The pod's user (the tool's, which the signal needs) and seccomp profile apply to it.
    expect(spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: workload.user.uid,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(reloader.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(reloader.resources).toEqual({
      requests: { cpu: '10m', memory: '32Mi' },
      limits: { memory: '32Mi' },
    });
  });

  it('sees every config file the tool reads, and no secret', () => {
    const spec = podSpec(name);
    const cluster = clusterData(mocks, `reload-${name}`);
    const asReloader = { ...spec, containers: [spec.containers[1]] };
    const seen = projectedFiles(asReloader, cluster);
    expect([...seen.keys()].sort()).toEqual(workload.configFiles.map((f) => f.path).sort());
    for (const file of workload.configFiles) expect(seen.get(file.path)).toBe(file.content);
  });

  it('keeps its config in named, mutable ConfigMaps, and no config file in the pod checksum', () => {
    const maps = mocks
      .ofType('kubernetes:core/v1:ConfigMap')
      .filter((r) => r.name.startsWith(`reload-${name}-`))
      .map((r) => unwrapSecrets(r.inputs) as Obj);
    expect(maps.length).toBeGreaterThan(0);
    for (const map of maps) {
      expect(map.metadata.name).toMatch(new RegExp(`^${name}-`));
      expect(map.immutable).toBeUndefined();
    }
    const annotations = (unwrapSecrets(mocks.named(`reload-${name}-statefulset`).inputs) as Obj).spec.template
      .metadata.annotations;
    expect(annotations['checksum/config']).toBe(configChecksum({ ...workload, configFiles: [] }));
  });
});
