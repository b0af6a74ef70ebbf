/**
 * Why a replaced Alertmanager pod must stay ready for `kubernetes.highAvailability.minReadySeconds`
 * before a rolling change stops the next member, and why that is enough: Alertmanager answers /-/ready as
 * soon as its API serves, while its gossip is still settling (it sends no notification until it has
 * settled), and it is settled at the latest when the `--cluster.settle-timeout` the stack passes runs
 * out, which checkHighAvailability keeps minReadySeconds at or above. Two real members with the stack's
 * gossip flags, started together as a StatefulSet's pods are. How long settling takes on this machine
 * is not asserted: the bound is the flag, not the machine's speed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  freePort,
  getJson,
  startProcess,
  waitFor,
  type RunningProcess,
} from '../../components/runtime/processes';
import { ALERTMANAGER_GOSSIP } from '../../components/stack/alertmanager-gossip';
import { findTool } from '../../components/tools/binaries';

interface ClusterStatus {
  cluster: { status: string };
}

const root = mkdtempSync(join(tmpdir(), 'promstack-settle-'));
const members: RunningProcess[] = [];

afterAll(async () => {
  for (const member of members) await member.stop();
  rmSync(root, { recursive: true, force: true });
});

it('answers /-/ready while its gossip settles, then settles, polling as the stack derives it', async () => {
  writeFileSync(
    join(root, 'alertmanager.yml'),
    'route: { receiver: nobody }\nreceivers: [{ name: nobody }]\n',
  );
  const ports = await Promise.all(
    [0, 1].map(async () => ({ web: await freePort(), cluster: await freePort() })),
  );
  const started = performance.now();
  ports.forEach((port, i) => {
    const data = join(root, `data-${i}`);
    mkdirSync(data);
    members.push(
      startProcess(`alertmanager-${i}`, findTool('alertmanager'), [
        `--config.file=${join(root, 'alertmanager.yml')}`,
        `--storage.path=${data}`,
        `--web.listen-address=127.0.0.1:${port.web}`,
        `--cluster.listen-address=127.0.0.1:${port.cluster}`,
        ...ports.map((peer) => `--cluster.peer=127.0.0.1:${peer.cluster}`),
        ...ALERTMANAGER_GOSSIP.args,
      ]),
    );
  });
  const url = `http://127.0.0.1:${ports[1].web}`;
  const status = async () => (await getJson<ClusterStatus>(`${url}/api/v2/status`)).cluster.status;
  const describe = () => members.map((m) => m.output()).join('\n');
  await waitFor(async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined), {
    timeoutMs: 60_000,
    intervalMs: 50,
    describe,
  });
  expect(await status()).toBe('settling');
  await waitFor(async () => ((await status()) === 'ready' ? true : undefined), {
    timeoutMs: 120_000,
    describe,
  });
  // The member polls at the interval the settle timeout is derived from (10 gossip intervals).
  expect(members[1].output()).toMatch(
    new RegExp(`Waiting for gossip to settle.*interval=${ALERTMANAGER_GOSSIP.pollMs / 1000}s\\b`),
  );
  // No settle ends before the polls of a quiet one, nor before the timeout, which is longer; a slow
  // machine only makes it end later. Both clocks are monotonic, and the member started after `started`.
  expect(performance.now() - started).toBeGreaterThanOrEqual(ALERTMANAGER_GOSSIP.quietSettleMs);
}, 240_000);
