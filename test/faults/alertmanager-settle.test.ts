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
        // Each poll of the settle is logged, the unchanged ones at debug level.
        '--log.level=debug',
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
  // It settled by its polls, not its timeout: at least a quiet settle's polls, the last
  // okayPollsRequired of them unchanged, then the one that saw that (counted, not timed).
  const polls = [
    ...members[1]
      .output()
      .matchAll(/msg="(gossip not settled|gossip looks settled|gossip settled; proceeding)"/g),
  ].map((match) => match[1]);
  expect(polls.length).toBeGreaterThanOrEqual(ALERTMANAGER_GOSSIP.quietPolls);
  expect(polls.slice(-1 - ALERTMANAGER_GOSSIP.okayPollsRequired)).toEqual([
    ...Array<string>(ALERTMANAGER_GOSSIP.okayPollsRequired).fill('gossip looks settled'),
    'gossip settled; proceeding',
  ]);
}, 240_000);
