import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { KubernetesPlacement } from './kubernetes';
import { APPLIER_DIRS, APPLIER_RETRIES, type SilencesApplier } from './silences-applier';
import { restrictedSecurityContext } from './hardening';
import { kubernetesResources } from './container-limits';

export interface KubernetesSilencesResources {
  configMap: k8s.core.v1.ConfigMap;
  secret: k8s.core.v1.Secret;
  job: k8s.batch.v1.Job;
}

/** Labels of the applier's pods: what its NetworkPolicy and Alertmanager's ingress select. */
export function applierSelectorLabels(applier: Pick<SilencesApplier, 'name'>): Record<string, string> {
  return { 'app.kubernetes.io/name': applier.name, 'app.kubernetes.io/part-of': 'promstack' };
}

/**
 * Runs the silences applier as a Job: its script and silences.json in an immutable ConfigMap, the web
 * password in a Secret, a pod that meets the restricted Pod Security Standard with a read-only root.
 * The Job's name carries the applier's digest, so changed silences make a new Job (a Job's pod template
 * cannot change) and unchanged ones leave the finished Job alone. Pulumi waits for it to complete (and
 * fails the deploy when it does not); a failed run (Alertmanager not ready yet) is retried
 * APPLIER_RETRIES times.
 */
export function deployKubernetesSilences(
  name: string,
  applier: SilencesApplier,
  placement: KubernetesPlacement,
  secrets: Record<string, pulumi.Input<string>>,
  opts: pulumi.CustomResourceOptions,
): KubernetesSilencesResources {
  const selector = applierSelectorLabels(applier);
  const labels = { ...placement.labels, ...selector };
  const metadata = { namespace: placement.namespace, labels };
  const missing = applier.secretFiles.filter((s) => secrets[s.secretName] === undefined);
  if (missing.length > 0)
    throw new Error(`${name}: no value for secret(s) ${missing.map((s) => s.secretName).join(', ')}`);
  const fileName = (path: string) => path.slice(path.lastIndexOf('/') + 1);
  const configMap = new k8s.core.v1.ConfigMap(
    `${name}-files`,
    {
      metadata,
      data: Object.fromEntries(applier.configFiles.map((f) => [fileName(f.path), f.content])),
      immutable: true,
    },
    opts,
  );
  const secret = new k8s.core.v1.Secret(
    `${name}-secrets`,
    {
      metadata,
      type: 'Opaque',
      stringData: pulumi.secret(
        pulumi.all(Object.fromEntries(applier.secretFiles.map((s) => [s.secretName, secrets[s.secretName]]))),
      ),
      immutable: true,
    },
    opts,
  );
  const { user } = applier;
  const job = new k8s.batch.v1.Job(
    `${name}-job`,
    {
      metadata: {
        ...metadata,
        name: `${applier.name}-${applier.digest}`,
        // A Job that failed (Alertmanager down all along) runs again on the next deploy, not never.
        annotations: { 'pulumi.com/replaceUnready': 'true' },
      },
      spec: {
        backoffLimit: APPLIER_RETRIES,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: 'Never',
            automountServiceAccountToken: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: user.uid,
              runAsGroup: user.gid,
              fsGroup: user.gid,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                name: applier.name,
                image: applier.image,
                command: applier.command,
                env: Object.entries(applier.env).map(([key, value]) => ({ name: key, value })),
                volumeMounts: [
                  { name: 'files', mountPath: APPLIER_DIRS.files, readOnly: true },
                  { name: 'secrets', mountPath: APPLIER_DIRS.secrets, readOnly: true },
                ],
                resources: kubernetesResources(applier.resources),
                securityContext: restrictedSecurityContext(true),
              },
            ],
            volumes: [
              {
                name: 'files',
                projected: {
                  defaultMode: 0o444,
                  sources: [{ configMap: { name: configMap.metadata.name } }],
                },
              },
              {
                name: 'secrets',
                projected: {
                  sources: [
                    {
                      secret: {
                        name: secret.metadata.name,
                        // Readable by the pod's group (fsGroup) only.
                        items: applier.secretFiles.map((s) => ({
                          key: s.secretName,
                          path: fileName(s.path),
                          mode: 0o440,
                        })),
                      },
                    },
                  ],
                },
              },
            ],
          },
        },
      },
    },
    opts,
  );
  return { configMap, secret, job };
}
