import {
  withLogin,
  type LocalProcess,
  type LocalStack,
  type WebCredentials,
} from '../../components/runtime/local';
import { getJson, waitFor } from '../../components/runtime/processes';
import {
  drillAlert,
  faultStackConfig,
  metricValue,
  postAlerts,
  cleanUpFaults,
  sleep,
  startFaultStack,
  WebhookSink,
} from './testing';

interface ClusterStatus {
  cluster: { name: string; status: string; peers: { name: string; address: string }[] };
}

/** Alertmanager's default --cluster.peer-timeout: how long the member at position N waits, times N. */
const PEER_TIMEOUT_MS = 15_000;

const status = (url: string, login: WebCredentials) =>
  getJson<ClusterStatus>(`${url}/api/v2/status`, withLogin(login));

/**
 * Members of a cluster notify in turn: the member at position 0 (peer names in order) at once, the next
 * one a peer timeout later, and only if the gossiped notification log does not show the notification
 * sent. Killing the member at position 0 proves the others take over, and that they send once.
 */
describe('a 3-member Alertmanager cluster with one member killed', () => {
  let sink: WebhookSink;
  let stack: LocalStack | undefined;

  afterAll(cleanUpFaults);

  // Settling (about 6 s), failure detection (about 6 s) and a peer timeout (15 s): about 30 s in all.
  it('still delivers an alert sent to every member, exactly once', async () => {
    sink = await WebhookSink.start();
    stack = await startFaultStack(faultStackConfig(sink.url, 3));
    const members = Object.values(stack.processes).filter((p) => p.name.startsWith('alertmanager-'));
    expect(members).toHaveLength(3);
    // Prometheus sends to every member, never through a balancer.
    const targets = stack.synth.files['prometheus/prometheus.yml'];
    for (const url of stack.urls.alertmanagers) expect(targets).toContain(`- ${new URL(url).host}`);

    const names = new Map<LocalProcess, string>();
    await waitFor(
      async () => {
        for (const member of members) {
          const { cluster } = await status(member.url, stack!.webAuth);
          if (cluster.peers.length !== 3) return undefined;
          names.set(member, cluster.name);
        }
        return true;
      },
      { timeoutMs: 15_000, describe: () => 'the members did not all join one cluster' },
    );
    const first = [...members].sort((a, b) => (names.get(a)! < names.get(b)! ? -1 : 1))[0];
    await first.kill();
    const survivors = members.filter((m) => m !== first);
    await waitFor(
      async () => {
        for (const member of survivors)
          if ((await status(member.url, stack!.webAuth)).cluster.peers.length !== 2) return undefined;
        return true;
      },
      { timeoutMs: 20_000, describe: () => `the survivors did not notice that ${first.name} is gone` },
    );

    const queries = () =>
      Promise.all(
        survivors.map((m) => metricValue(m.url, 'alertmanager_nflog_queries_total', stack!.webAuth)),
      );
    const queriesBefore = await queries();
    const alert = drillAlert('FaultDrillClusterMemberDown');
    const answers = await postAlerts(stack.urls.alertmanagers, [alert], stack!.webAuth);
    expect(answers.filter((code) => code === 200)).toHaveLength(2);
    expect(answers[members.indexOf(first)]).toBe(0);

    const delivered = await waitFor(
      async () => {
        const got = sink.carrying(alert.labels.alertname, 'accepted');
        return got.length > 0 ? got : undefined;
      },
      { timeoutMs: 20_000, describe: () => `no delivery; sink saw ${JSON.stringify(sink.requests)}` },
    );
    expect(delivered[0].alerts.map((a) => a.labels)).toEqual([alert.labels]);
    // The other survivor looks the notification up in the gossiped log a peer timeout later: once both
    // have looked, a duplicate would be on its way.
    await waitFor(
      async () => ((await queries()).every((n, i) => (n ?? 0) > (queriesBefore[i] ?? 0)) ? true : undefined),
      {
        timeoutMs: PEER_TIMEOUT_MS + 10_000,
        describe: () => 'a survivor never checked its notification log',
      },
    );
    await sleep(1000);
    expect(sink.carrying(alert.labels.alertname, 'accepted')).toHaveLength(1);
    for (const member of survivors) expect(member.alive).toBe(true);
    const discovered = await getJson<{ data: { activeAlertmanagers: { url: string }[] } }>(
      `${stack.urls.prometheus}/api/v1/alertmanagers`,
      withLogin(stack!.webAuth),
    );
    expect(discovered.data.activeAlertmanagers.map((a) => a.url).sort()).toEqual(
      stack.urls.alertmanagers.map((url) => `${url}/api/v2/alerts`).sort(),
    );
  }, 80_000);
});
