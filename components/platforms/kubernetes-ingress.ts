import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import type { StackConfig } from '../stack/config';
import type { KubernetesPlacement } from './kubernetes';
import { httpPortOf, ingressPath, type Workload } from './workload';

export type IngressConfig = NonNullable<StackConfig['grafana']['ingress']>;

/**
 * The Ingress of a workload's Service: one host, TLS only (the controller redirects plain http), every
 * path below the root URL's to the Service's `http` port, by name so that a port change follows.
 */
export function ingressSpec(
  workload: Workload,
  ingress: IngressConfig,
  rootUrl: string | undefined,
): k8s.types.input.networking.v1.IngressSpec {
  return {
    ingressClassName: ingress.className,
    tls: [{ hosts: [ingress.host], secretName: ingress.tlsSecretName }],
    rules: [
      {
        host: ingress.host,
        http: {
          paths: [
            {
              path: ingressPath(rootUrl),
              pathType: 'Prefix',
              backend: { service: { name: workload.name, port: { name: httpPortOf(workload).name } } },
            },
          ],
        },
      },
    ],
  };
}

/** Creates the Ingress (named as the workload) in the stack's namespace. */
export function deployIngress(
  name: string,
  workload: Workload,
  ingress: IngressConfig,
  rootUrl: string | undefined,
  placement: KubernetesPlacement,
  opts: pulumi.CustomResourceOptions,
): k8s.networking.v1.Ingress {
  return new k8s.networking.v1.Ingress(
    `${name}-ingress`,
    {
      metadata: {
        name: workload.name,
        namespace: placement.namespace,
        labels: placement.labels,
        annotations: ingress.annotations,
      },
      spec: ingressSpec(workload, ingress, rootUrl),
    },
    opts,
  );
}
