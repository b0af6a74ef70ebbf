import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  withLogin,
  type LocalProcess,
  type LocalStack,
  type WebCredentials,
} from '../../components/runtime/local';
import { getJson, waitFor } from '../../components/runtime/processes';
import { parseDuration } from '../../components/model/duration';
import { ALERTMANAGER_SNAPSHOT_INTERVAL } from '../../components/platforms/workload';
import {
  cleanUpFaults,
  drillAlert,
  faultStackConfig,
  metricValue,
  postAlerts,
  startFaultStack,
  WebhookSink,
} from './testing';

/*
 * A single Alertmanager keeps its silences and notification log in memory and writes both to its data
 * folder every ALERTMANAGER_SNAPSHOT_INTERVAL (and on SIGTERM). SIGKILL skips that last write, so the
 * bound is: after a crash, Alertmanager has exactly its last snapshot; silences and notification-log
 * entries newer than it (at most one interval old) are lost, and a lost notification-log entry means
 * its group is notified once more. Alerts themselves are not kept: Prometheus sends them again.
 */

const INTERVAL_MS = parseDuration(ALERTMANAGER_SNAPSHOT_INTERVAL)!;

interface Silence {
  id: string;
  status: { state: string };
  comment: string;
}

async function createSilence(
  am: string,
  login: WebCredentials,
  service: string,
  comment: string,
): Promise<string> {
  const response = await fetch(
    `${am}/api/v2/silences`,
    withLogin(login, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        matchers: [{ name: 'service', value: service, isRegex: false, isEqual: true }],
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 2 * 3600_000).toISOString(),
        createdBy: 'fault test',
        comment,
      }),
    }),
  );
  expect(response.status).toBe(200);
  return ((await response.json()) as { silenceID: string }).silenceID;
}

/** The snapshot files Alertmanager writes in its data folder (empty before the first write). */
function snapshot(member: LocalProcess): { silences: string; nflog: string } {
  const dir = member.spec.workload.volumes[0].path;
  const read = (name: string) => {
    try {
      // Protocol buffers: silence ids and group keys are stored as plain text inside.
      return readFileSync(join(dir, name)).toString('latin1');
    } catch {
      return '';
    }
  };
  return { silences: read('silences'), nflog: read('nflog') };
}

describe('a single Alertmanager killed with SIGKILL', () => {
  let sink: WebhookSink;
  let stack: LocalStack | undefined;

  afterAll(cleanUpFaults);

  it('keeps what its last snapshot holds: older silences, and no second notification', async () => {
    sink = await WebhookSink.start();
    stack = await startFaultStack(faultStackConfig(sink.url));
    const am = stack.urls.alertmanagers[0];
    const member = stack.processes.alertmanager;

    const kept = await createSilence(am, stack!.webAuth, 'orders', 'created a snapshot before the crash');
    const notified = drillAlert('FaultDrillNotifiedBeforeCrash');
    expect(await postAlerts([am], [notified], stack!.webAuth)).toEqual([200]);
    await waitFor(
      async () => (sink.carrying(notified.labels.alertname, 'accepted').length > 0 ? true : undefined),
      { timeoutMs: 20_000, describe: () => `not notified: ${JSON.stringify(sink.requests)}` },
    );

    // The condition is the snapshot itself, not a sleep: the silence's id and the notified group's key
    // in the files on disk, within one interval (a slower write would mean the flag is not in effect).
    const before = Date.now();
    await waitFor(
      async () => {
        const files = snapshot(member);
        return files.silences.includes(kept) && files.nflog.includes(notified.labels.alertname)
          ? true
          : undefined;
      },
      {
        timeoutMs: 2 * INTERVAL_MS + 10_000,
        describe: () => 'no snapshot with the silence and the notification',
      },
    );
    expect(Date.now() - before).toBeLessThan(INTERVAL_MS + 10_000);

    // A silence created just before the crash is in no snapshot unless a write happened in between.
    const recent = await createSilence(am, stack!.webAuth, 'payments', 'created just before the crash');
    const pidBefore = member.pid;
    await member.kill();
    const onDisk = snapshot(member);
    await member.start();
    expect(member.pid).not.toBe(pidBefore);

    const silences = await getJson<Silence[]>(`${am}/api/v2/silences`, withLogin(stack!.webAuth));
    expect(silences.find((s) => s.id === kept)).toMatchObject({
      status: { state: 'active' },
      comment: 'created a snapshot before the crash',
    });
    // Exactly the snapshot: the recent silence is back only if it had been written.
    expect(silences.some((s) => s.id === recent)).toBe(onDisk.silences.includes(recent));
    expect(silences.map((s) => s.id).sort()).toEqual(
      [kept, recent].filter((id) => onDisk.silences.includes(id)).sort(),
    );

    // Prometheus sends its firing alerts again; the restored notification log says this group was
    // notified, so it is not notified again (repeat interval 1h).
    expect(await postAlerts([am], [notified], stack!.webAuth)).toEqual([200]);
    await waitFor(
      async () =>
        ((await metricValue(am, 'alertmanager_nflog_queries_total', stack!.webAuth)) ?? 0) >= 1 || undefined,
      { timeoutMs: 20_000, describe: () => 'the group of the re-sent alert was never flushed' },
    );
    // A new alert after it is notified one group wait later: by then a duplicate would have arrived too.
    const control = drillAlert('FaultDrillAfterCrash');
    expect(await postAlerts([am], [control], stack!.webAuth)).toEqual([200]);
    await waitFor(
      async () => (sink.carrying(control.labels.alertname, 'accepted').length > 0 ? true : undefined),
      {
        timeoutMs: 20_000,
        describe: () => `restarted Alertmanager notifies nothing: ${JSON.stringify(sink.requests)}`,
      },
    );
    expect(sink.carrying(notified.labels.alertname, 'accepted')).toHaveLength(1);
  }, 120_000);
});
