/**
 * Why a replaced Alertmanager pod must stay ready for `kubernetes.highAvailability.minReadySeconds`
 * before a rolling change stops the next member: Alertmanager answers /-/ready as soon as its API
 * serves, while its gossip is still settling (it sends no notification until it has settled). Two real
 * members, started together as a StatefulSet's pods are.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  getJson,
  startProcess,
  waitFor,
  type RunningProcess,
} from '../../components/runtime/processes';
import { stackConfig } from '../../components/stack/config';
import { testStackConfig } from '../../components/stack/testing';
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

it('answers /-/ready while its gossip settles, which the default minReadySeconds outlasts', async () => {
  writeFileSync(
    join(root, 'alertmanager.yml'),
    'route: { receiver: nobody }\nreceivers: [{ name: nobody }]\n',
  );
  const ports = await Promise.all(
    [0, 1].map(async () => ({ web: await freePort(), cluster: await freePort() })),
  );
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
      ]),
    );
  });
  const url = `http://127.0.0.1:${ports[1].web}`;
  const describe = () => members.map((m) => m.output()).join('\n');
  await waitFor(async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined), {
    timeoutMs: 15_000,
    intervalMs: 50,
    describe,
  });
  const ready = Date.now();
  expect((await getJson<ClusterStatus>(`${url}/api/v2/status`)).cluster.status).toBe('settling');
  await waitFor(
    async () =>
      (await getJson<ClusterStatus>(`${url}/api/v2/status`)).cluster.status === 'ready' ? true : undefined,
    { timeoutMs: 60_000, intervalMs: 250, describe },
  );
  const settledAfterSeconds = (Date.now() - ready) / 1000;
  const { minReadySeconds } = stackConfig.parse(testStackConfig('kubernetes')).kubernetes.highAvailability;
  // About 10 s on 0.33.1: a poll every 2 s until the member count has held still for three of them.
  expect(settledAfterSeconds).toBeGreaterThan(2);
  expect(settledAfterSeconds).toBeLessThan(minReadySeconds);
}, 90_000);
