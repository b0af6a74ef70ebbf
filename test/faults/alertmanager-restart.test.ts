import { withLogin, type LocalStack } from '../../components/runtime/local';
import { getJson } from '../../components/runtime/processes';
import { cleanUpFaults, faultStackConfig, startFaultStack, WebhookSink } from './testing';

interface Silence {
  id: string;
  status: { state: string };
  matchers: { name: string; value: string; isRegex: boolean; isEqual: boolean }[];
  createdBy: string;
  comment: string;
  endsAt: string;
}

describe('Alertmanager restarted on the same data folder', () => {
  let sink: WebhookSink;
  let stack: LocalStack | undefined;

  afterAll(cleanUpFaults);

  it('keeps the silences created through its API', async () => {
    sink = await WebhookSink.start();
    stack = await startFaultStack(faultStackConfig(sink.url));
    const am = stack.urls.alertmanagers[0];
    const endsAt = new Date(Date.now() + 2 * 3600_000).toISOString();
    const created = await fetch(
      `${am}/api/v2/silences`,
      withLogin(stack.webAuth, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          matchers: [{ name: 'service', value: 'orders', isRegex: false, isEqual: true }],
          startsAt: new Date().toISOString(),
          endsAt,
          createdBy: 'fault test',
          comment: 'maintenance window that must survive a restart',
        }),
      }),
    );
    expect(created.status).toBe(200);
    const { silenceID } = (await created.json()) as { silenceID: string };

    const member = stack.processes.alertmanager;
    const pidBefore = member.pid;
    await member.restart();
    expect(member.pid).not.toBe(pidBefore);

    const silence = await getJson<Silence>(`${am}/api/v2/silence/${silenceID}`, withLogin(stack!.webAuth));
    expect(silence).toMatchObject({
      id: silenceID,
      status: { state: 'active' },
      matchers: [{ name: 'service', value: 'orders', isRegex: false, isEqual: true }],
      createdBy: 'fault test',
      comment: 'maintenance window that must survive a restart',
    });
    expect(Date.parse(silence.endsAt)).toBe(Date.parse(endsAt));
    const all = await getJson<Silence[]>(`${am}/api/v2/silences`, withLogin(stack!.webAuth));
    expect(all.map((s) => s.id)).toEqual([silenceID]);
  });
});
