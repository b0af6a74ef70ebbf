import { orders } from '../../infra/services/orders';
import { defineService, type ServiceSpec } from '../service';
import { synthStack } from '../stack';
import { testStackConfig } from '../stack/testing';
import { selectorLabels } from './kubernetes';
import {
  networkPolicySpecs,
  outboundPorts,
  type NetworkPeer,
  type NetworkPolicySpec,
} from './kubernetes-network';
import { alertmanagerWorkload, grafanaWorkload, prometheusWorkload } from './workload';

/** A pod as NetworkPolicies see it: namespace labels, pod labels, an address. */
interface Pod {
  namespace: string;
  labels: Record<string, string>;
  ip: string;
}

const STACK_NAMESPACE = 'monitoring';
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

const ipv4 = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4(ip) / size) === Math.floor(ipv4(base) / size);
}

/** Whether a peer of a policy in the stack's namespace selects a pod (an IP block: by its address). */
function peerSelects(peer: NetworkPeer, pod: Pod): boolean {
  if (peer.ipBlock) return inCidr(pod.ip, peer.ipBlock.cidr);
  const namespaceOk = peer.namespaceSelector
    ? matches(peer.namespaceSelector.matchLabels, { 'kubernetes.io/metadata.name': pod.namespace })
    : pod.namespace === STACK_NAMESPACE;
  return namespaceOk && matches(peer.podSelector?.matchLabels, pod.labels);
}

/**
 * Whether `from` may open a connection to `to` on a port, as a network plugin decides it: a pod that a
 * policy selects is isolated in that direction, and then only the union of its policies' rules lets
 * traffic through; both the sender's egress and the receiver's ingress must allow it.
 */
function allowed(
  policies: NetworkPolicySpec[],
  from: Pod,
  to: Pod,
  protocol: 'TCP' | 'UDP',
  port: number,
): boolean {
  const applying = (pod: Pod) =>
    pod.namespace === STACK_NAMESPACE
      ? policies.filter((p) => matches(p.podSelector.matchLabels, pod.labels))
      : [];
  const fits = (rules: { peers: NetworkPeer[]; ports: { protocol: string; port: number }[] }[], other: Pod) =>
    rules.some(
      (rule) =>
        rule.peers.some((peer) => peerSelects(peer, other)) &&
        rule.ports.some((p) => p.protocol === protocol && p.port === port),
    );
  const egress = applying(from);
  const ingress = applying(to);
  const out =
    egress.length === 0 ||
    fits(
      egress.flatMap((p) => p.egress.map((r) => ({ peers: r.to, ports: r.ports }))),
      to,
    );
  const inn =
    ingress.length === 0 ||
    fits(
      ingress.flatMap((p) => p.ingress.map((r) => ({ peers: r.from, ports: r.ports }))),
      from,
    );
  return out && inn;
}

function stackWith(change: Record<string, unknown> = {}, services = [orders]) {
  const config = testStackConfig('kubernetes') as Record<string, unknown>;
  const kubernetes = { ...(config.kubernetes as object), ...change };
  const synth = synthStack({ ...config, kubernetes }, services, { environment: 'prod' });
  const workloads = {
    prometheus: prometheusWorkload(synth),
    alertmanager: alertmanagerWorkload(synth),
    grafana: grafanaWorkload(synth),
  };
  const pod = (w: keyof typeof workloads): Pod => ({
    namespace: STACK_NAMESPACE,
    labels: { ...selectorLabels(workloads[w]), 'statefulset.kubernetes.io/pod-name': `${w}-0` },
    ip: `10.0.0.${Object.keys(workloads).indexOf(w) + 1}`,
  });
  return { synth, workloads, policies: networkPolicySpecs(synth, workloads, services), pod };
}

describe('NetworkPolicies of the Kubernetes stack', () => {
  const { policies, pod, synth } = stackWith();
  const prometheus = pod('prometheus');
  const alertmanager = pod('alertmanager');
  const grafana = pod('grafana');
  const ordersPod: Pod = { namespace: 'shop', labels: { app: 'orders' }, ip: '10.1.0.5' };
  const stranger: Pod = { namespace: 'shop', labels: { app: 'curious' }, ip: '10.1.0.6' };
  const neighbour: Pod = { namespace: STACK_NAMESPACE, labels: { app: 'debug' }, ip: '10.0.0.99' };
  const internet: Pod = { namespace: '', labels: {}, ip: '203.0.113.7' };

  it('isolates every pod of the namespace and selects each component with a policy of its own', () => {
    expect(policies.find((p) => p.name === 'default-deny')).toEqual(
      expect.objectContaining({
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        egress: [],
      }),
    );
    for (const component of [prometheus, alertmanager, grafana]) {
      const own = policies.filter(
        (p) => p.name !== 'default-deny' && matches(p.podSelector.matchLabels, component.labels),
      );
      expect(own).toHaveLength(1);
    }
  });

  it.each<[string, () => [Pod, Pod, 'TCP' | 'UDP', number], boolean]>([
    ['allows: Grafana reads Prometheus', () => [grafana, prometheus, 'TCP', 9090], true],
    ['allows: Grafana reads Alertmanager', () => [grafana, alertmanager, 'TCP', 9093], true],
    ['allows: Prometheus sends alerts to Alertmanager', () => [prometheus, alertmanager, 'TCP', 9093], true],
    [
      'allows: Alertmanagers gossip over TCP',
      () => [alertmanager, { ...alertmanager, ip: '10.0.0.12' }, 'TCP', 9094],
      true,
    ],
    [
      'allows: Alertmanagers gossip over UDP',
      () => [alertmanager, { ...alertmanager, ip: '10.0.0.12' }, 'UDP', 9094],
      true,
    ],
    ['allows: Prometheus scrapes orders on its port', () => [prometheus, ordersPod, 'TCP', 8080], true],
    ['allows: Prometheus scrapes Grafana', () => [prometheus, grafana, 'TCP', 3000], true],
    ['allows: Alertmanager calls its receivers (https)', () => [alertmanager, internet, 'TCP', 443], true],
    ['allows: Prometheus remote writes (https)', () => [prometheus, internet, 'TCP', 443], true],
    [
      'refuses: a pod of another namespace reaches Prometheus',
      () => [stranger, prometheus, 'TCP', 9090],
      false,
    ],
    [
      "refuses: a pod in the stack's namespace silences alerts",
      () => [neighbour, alertmanager, 'TCP', 9093],
      false,
    ],
    [
      'refuses: a pod of another namespace joins the gossip',
      () => [stranger, alertmanager, 'TCP', 9094],
      false,
    ],
    ['refuses: anybody reaches Grafana', () => [stranger, grafana, 'TCP', 3000], false],
    ['refuses: Prometheus reaches orders on another port', () => [prometheus, ordersPod, 'TCP', 22], false],
    ['refuses: Grafana reaches the internet', () => [grafana, internet, 'TCP', 443], false],
    ['refuses: Alertmanager reaches orders', () => [alertmanager, ordersPod, 'TCP', 8080], false],
    ['refuses: Grafana writes to Alertmanager gossip', () => [grafana, alertmanager, 'TCP', 9094], false],
  ])('%s', (_, connection, expected) => {
    const [from, to, protocol, port] = connection();
    expect(allowed(policies, from, to, protocol, port)).toBe(expected);
  });

  it('lets every component resolve names through the cluster DNS', () => {
    const dns: Pod = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ip: '10.96.0.10' };
    for (const component of [prometheus, alertmanager, grafana]) {
      expect(allowed(policies, component, dns, 'UDP', 53)).toBe(true);
      expect(allowed(policies, component, dns, 'TCP', 53)).toBe(true);
    }
  });

  it('opens only the ports the rendered receivers and remote write use', () => {
    expect(outboundPorts(synth.rendered.alertmanager)).toEqual([443]);
    expect(
      outboundPorts({
        global: { smtp_smarthost: 'smtp.example.org:587' },
        receivers: [
          {
            webhook_configs: [
              { url: 'http://hooks.example.org:8081/x' },
              { url: 'http://plain.example.org/' },
            ],
          },
        ],
      }),
    ).toEqual([80, 443, 587, 8081]);
  });

  it('scrapes every namespace of the catalogue on its services’ ports, and the API server for discovery', () => {
    const checkout = defineService({
      ...orders,
      name: 'checkout',
      scrape: {
        ...orders.scrape,
        targets: { kubernetes: { namespace: 'payments', podLabels: { app: 'checkout' }, port: 9102 } },
      },
    } as ServiceSpec);
    const { policies: withTwo, pod: podOf } = stackWith({}, [orders, checkout]);
    const checkoutPod: Pod = { namespace: 'payments', labels: { app: 'checkout' }, ip: '10.2.0.5' };
    expect(allowed(withTwo, podOf('prometheus'), checkoutPod, 'TCP', 9102)).toBe(true);
    expect(allowed(withTwo, podOf('prometheus'), checkoutPod, 'TCP', 8080)).toBe(false);
    const apiServer: Pod = { namespace: '', labels: {}, ip: '172.20.0.1' };
    expect(allowed(withTwo, podOf('prometheus'), apiServer, 'TCP', 443)).toBe(true);
    expect(allowed(withTwo, podOf('grafana'), apiServer, 'TCP', 443)).toBe(false);
  });

  it('lets in what the stack config names, and nothing more', () => {
    const ingress: Pod = {
      namespace: 'ingress-nginx',
      labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
      ip: '10.3.0.2',
    };
    const { policies: opened, pod: podOf } = stackWith({
      networkPolicies: {
        grafanaFrom: [
          { namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
        ],
        prometheusFrom: [{ cidr: '10.9.0.0/16' }],
      },
    });
    expect(allowed(opened, ingress, podOf('grafana'), 'TCP', 3000)).toBe(true);
    expect(allowed(opened, ingress, podOf('prometheus'), 'TCP', 9090)).toBe(false);
    expect(
      allowed(opened, { namespace: 'x', labels: {}, ip: '10.9.0.4' }, podOf('prometheus'), 'TCP', 9090),
    ).toBe(true);
  });

  it("lets the ingress controller's pods reach Grafana when it has an Ingress, and only them, only Grafana", () => {
    const config = testStackConfig('kubernetes') as Record<string, unknown>;
    const ingress = { host: 'grafana.example.com', tlsSecretName: 'grafana-tls' };
    const synth = synthStack({ ...config, grafana: { ...(config.grafana as object), ingress } }, [orders], {
      environment: 'prod',
    });
    const workloads = {
      prometheus: prometheusWorkload(synth),
      alertmanager: alertmanagerWorkload(synth),
      grafana: grafanaWorkload(synth),
    };
    const withIngress = networkPolicySpecs(synth, workloads, [orders]);
    const grafanaPod: Pod = {
      namespace: STACK_NAMESPACE,
      labels: selectorLabels(workloads.grafana),
      ip: '10.0.0.3',
    };
    const prometheusPod: Pod = {
      namespace: STACK_NAMESPACE,
      labels: selectorLabels(workloads.prometheus),
      ip: '10.0.0.1',
    };
    // ingress-nginx's controller as its Helm chart labels it: the tested default of controllerFrom.
    const controller: Pod = {
      namespace: 'ingress-nginx',
      labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
      ip: '10.4.0.2',
    };
    const admission: Pod = {
      namespace: 'ingress-nginx',
      labels: {
        'app.kubernetes.io/name': 'ingress-nginx',
        'app.kubernetes.io/component': 'admission-webhook',
      },
      ip: '10.4.0.3',
    };
    expect(allowed(withIngress, controller, grafanaPod, 'TCP', 3000)).toBe(true);
    expect(allowed(withIngress, admission, grafanaPod, 'TCP', 3000)).toBe(false);
    expect(allowed(withIngress, controller, prometheusPod, 'TCP', 9090)).toBe(false);
    // Without the Ingress the controller is a stranger.
    expect(allowed(policies, controller, grafana, 'TCP', 3000)).toBe(false);
  });

  it('refuses a peer that names neither pods nor addresses, or both, with its path', () => {
    expect(() => stackWith({ networkPolicies: { grafanaFrom: [{}] } })).toThrow(
      /stack\.kubernetes\.networkPolicies\.grafanaFrom\[0\]: name pods \(namespace and\/or podLabels\) or an address range/,
    );
    expect(() =>
      stackWith({ networkPolicies: { grafanaFrom: [{ namespace: 'a', cidr: '10.0.0.0/8' }] } }),
    ).toThrow(/grafanaFrom\[0\]: name pods/);
  });
});
