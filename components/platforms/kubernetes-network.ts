import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import type { ServiceDefinition } from '../service';
import type { SynthResult } from '../stack/synth';
import { selectorLabels, type KubernetesPlacement } from './kubernetes';
import { applierSelectorLabels } from './kubernetes-silences';
import { silencesApplier } from './silences-applier';
import { httpPortOf, type Workload } from './workload';

/** A NetworkPolicy peer as the API takes it. */
export interface NetworkPeer {
  namespaceSelector?: { matchLabels: Record<string, string> };
  podSelector?: { matchLabels: Record<string, string> };
  ipBlock?: { cidr: string };
}

export interface NetworkPort {
  protocol: 'TCP' | 'UDP';
  port: number;
}

export interface NetworkRule {
  peers: NetworkPeer[];
  ports: NetworkPort[];
}

/** One NetworkPolicy: who may reach the selected pods, and what they may reach. */
export interface NetworkPolicySpec {
  name: string;
  podSelector: { matchLabels?: Record<string, string> };
  policyTypes: ('Ingress' | 'Egress')[];
  ingress: { from: NetworkPeer[]; ports: NetworkPort[] }[];
  egress: { to: NetworkPeer[]; ports: NetworkPort[] }[];
}

export interface StackWorkloads {
  prometheus: Workload;
  alertmanager: Workload;
  grafana: Workload;
}

/** Namespaces are selected by the label the API server sets on every namespace (Kubernetes 1.22+). */
const NAMESPACE_LABEL = 'kubernetes.io/metadata.name';
const EVERYWHERE = '0.0.0.0/0';
/** The cluster DNS (CoreDNS keeps kube-dns's label), which every component needs to resolve names. */
const DNS: { to: NetworkPeer[]; ports: NetworkPort[] } = {
  to: [
    {
      namespaceSelector: { matchLabels: { [NAMESPACE_LABEL]: 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    },
  ],
  ports: [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ],
};

const tcp = (port: number): NetworkPort => ({ protocol: 'TCP', port });
const pods = (workload: Workload): NetworkPeer => ({
  podSelector: { matchLabels: selectorLabels(workload) },
});
const httpPort = (workload: Workload): number => httpPortOf(workload).container;

/** Every port of a workload, TCP and (for gossip) UDP, as its peers reach it. */
function allPorts(workload: Workload): NetworkPort[] {
  return workload.ports.flatMap((p) => [
    tcp(p.container),
    ...(p.udp ? [{ protocol: 'UDP' as const, port: p.container }] : []),
  ]);
}

/** A stack config peer as a NetworkPolicy peer. */
function peerOf(peer: {
  namespace?: string;
  podLabels?: Record<string, string>;
  cidr?: string;
}): NetworkPeer {
  if (peer.cidr !== undefined) return { ipBlock: { cidr: peer.cidr } };
  return {
    ...(peer.namespace !== undefined
      ? { namespaceSelector: { matchLabels: { [NAMESPACE_LABEL]: peer.namespace } } }
      : {}),
    podSelector: { matchLabels: peer.podLabels ?? {} },
  };
}

/**
 * The ports of every http(s) URL and SMTP relay in a rendered config: where a component sends what it
 * sends (receivers, remote write). A URL held in a file cannot be read here: its scheme's port is https.
 */
export function outboundPorts(config: unknown): number[] {
  const ports = new Set<number>([443]);
  const walk = (value: unknown, key: string): void => {
    if (typeof value === 'string') {
      if (/smarthost$/.test(key)) {
        const port = Number(/:(\d+)$/.exec(value)?.[1]);
        if (port) ports.add(port);
        return;
      }
      if (!/^https?:\/\//.test(value)) return;
      try {
        const url = new URL(value);
        ports.add(url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443);
      } catch {
        // Templates and other text: not an address.
      }
      return;
    }
    if (Array.isArray(value)) value.forEach((item) => walk(item, key));
    else if (value !== null && typeof value === 'object')
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(v, k);
  };
  walk(config, '');
  return [...ports].sort((a, b) => a - b);
}

/**
 * The stack's NetworkPolicies, as kube-prometheus ships one per component but with egress closed too:
 * a default deny for the namespace, then per component exactly the traffic the stack needs: Grafana
 * reads Prometheus and Alertmanager; Prometheus scrapes the stack and the services' namespaces on their
 * ports, asks the API server for pods, sends alerts and remote writes; Alertmanager gossips with its
 * peers and calls its receivers. Anything else must be named in the stack config.
 */
export function networkPolicySpecs(
  synth: SynthResult,
  workloads: StackWorkloads,
  services: readonly ServiceDefinition[],
): NetworkPolicySpec[] {
  const allowed = synth.config.kubernetes.networkPolicies;
  const { prometheus, alertmanager, grafana } = workloads;
  const scrapedNamespaces = new Map<string, Set<number>>();
  for (const service of services) {
    const target = service.scrape.targets.kubernetes;
    if (!target) continue;
    scrapedNamespaces.set(
      target.namespace,
      (scrapedNamespaces.get(target.namespace) ?? new Set()).add(target.port),
    );
  }
  const scrapeRules = [...scrapedNamespaces.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([namespace, ports]) => ({
      to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_LABEL]: namespace } } }],
      ports: [...ports].sort((a, b) => a - b).map(tcp),
    }));
  const stackScrapes = [prometheus, alertmanager, grafana].map((w) => ({
    to: [pods(w)],
    ports: [tcp(httpPort(w))],
  }));
  const remoteWrite = synth.rendered.prometheus.remote_write ?? [];
  // Behind its Ingress, Grafana is reached through the ingress controller's pods.
  const grafanaFrom = [...allowed.grafanaFrom, ...(synth.config.grafana.ingress?.controllerFrom ?? [])];
  // The silences Job talks to Alertmanager's API and to nothing else.
  const applier = silencesApplier(synth, alertmanager);
  const applierPods: NetworkPeer[] = applier
    ? [{ podSelector: { matchLabels: applierSelectorLabels(applier) } }]
    : [];
  const policy = (
    workload: Workload,
    ingress: NetworkPolicySpec['ingress'],
    egress: NetworkPolicySpec['egress'],
  ): NetworkPolicySpec => ({
    name: workload.name,
    podSelector: { matchLabels: selectorLabels(workload) },
    policyTypes: ['Ingress', 'Egress'],
    ingress,
    egress: [DNS, ...egress],
  });
  return [
    { name: 'default-deny', podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [] },
    policy(
      prometheus,
      [
        { from: [pods(grafana), pods(prometheus)], ports: [tcp(httpPort(prometheus))] },
        ...(allowed.prometheusFrom.length > 0
          ? [{ from: allowed.prometheusFrom.map(peerOf), ports: [tcp(httpPort(prometheus))] }]
          : []),
      ],
      [
        ...stackScrapes,
        { to: [pods(alertmanager)], ports: [tcp(httpPort(alertmanager))] },
        ...scrapeRules,
        ...(scrapeRules.length > 0
          ? [{ to: [{ ipBlock: { cidr: allowed.apiServer.cidr } }], ports: allowed.apiServer.ports.map(tcp) }]
          : []),
        ...(remoteWrite.length > 0
          ? [{ to: [{ ipBlock: { cidr: EVERYWHERE } }], ports: outboundPorts(remoteWrite).map(tcp) }]
          : []),
      ],
    ),
    policy(
      alertmanager,
      [
        { from: [pods(prometheus), pods(grafana), ...applierPods], ports: [tcp(httpPort(alertmanager))] },
        { from: [pods(alertmanager)], ports: allPorts(alertmanager) },
        ...(allowed.alertmanagerFrom.length > 0
          ? [{ from: allowed.alertmanagerFrom.map(peerOf), ports: [tcp(httpPort(alertmanager))] }]
          : []),
      ],
      [
        ...(alertmanager.cluster ? [{ to: [pods(alertmanager)], ports: allPorts(alertmanager) }] : []),
        {
          to: [{ ipBlock: { cidr: EVERYWHERE } }],
          ports: outboundPorts(synth.rendered.alertmanager).map(tcp),
        },
      ],
    ),
    policy(
      grafana,
      [
        { from: [pods(prometheus)], ports: [tcp(httpPort(grafana))] },
        ...(grafanaFrom.length > 0
          ? [{ from: grafanaFrom.map(peerOf), ports: [tcp(httpPort(grafana))] }]
          : []),
      ],
      [
        { to: [pods(prometheus)], ports: [tcp(httpPort(prometheus))] },
        { to: [pods(alertmanager)], ports: [tcp(httpPort(alertmanager))] },
      ],
    ),
    ...(applier
      ? [
          {
            name: applier.name,
            podSelector: applierPods[0].podSelector!,
            policyTypes: ['Ingress', 'Egress'] as NetworkPolicySpec['policyTypes'],
            ingress: [],
            egress: [DNS, { to: [pods(alertmanager)], ports: [tcp(httpPort(alertmanager))] }],
          },
        ]
      : []),
  ];
}

/** Creates the stack's NetworkPolicies in its namespace (none when the stack config turns them off). */
export function deployNetworkPolicies(
  name: string,
  specs: readonly NetworkPolicySpec[],
  placement: KubernetesPlacement,
  opts: pulumi.CustomResourceOptions,
): k8s.networking.v1.NetworkPolicy[] {
  return specs.map(
    (spec) =>
      new k8s.networking.v1.NetworkPolicy(
        `${name}-netpol-${spec.name}`,
        {
          metadata: {
            name: `promstack-${spec.name}`,
            namespace: placement.namespace,
            labels: placement.labels,
          },
          spec: {
            podSelector: spec.podSelector,
            policyTypes: spec.policyTypes,
            ingress: spec.ingress,
            egress: spec.egress,
          },
        },
        opts,
      ),
  );
}
