import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { services } from '../../../infra/services';
import { ValidationError } from '../../model/errors';
import { alertInboxSecretValues } from '../../stack/alert-inbox';
import type { StackConfigInput } from '../../stack/config';
import { synthStack } from '../../stack/synth';
import { layoutUnder, testStackConfig, writeFiles } from '../../stack/testing';
import { findTool } from '../../tools/binaries';
import { freePort, getJson, startProcess, waitFor, type RunningProcess } from '../processes';
import { readInboxConfig } from './inbox';
import { PROMSTACK_TEXT } from './receivers';
import type { Notification } from './types';

const ROOT = resolve(__dirname, '..', '..', '..');

describe('readInboxConfig', () => {
  it('defaults every variable', () => {
    expect(readInboxConfig({})).toEqual({ HOST: '0.0.0.0', HTTP_PORT: 8080, SMTP_PORT: 2525, KEEP: 1000 });
  });

  it('names every bad variable at once', () => {
    expect(() => readInboxConfig({ HTTP_PORT: 'http', SMTP_PORT: '70000', KEEP: '0' })).toThrow(
      ValidationError,
    );
    try {
      readInboxConfig({ HTTP_PORT: 'http', SMTP_PORT: '70000', KEEP: '0' });
    } catch (error) {
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual([
        'HTTP_PORT',
        'KEEP',
        'SMTP_PORT',
      ]);
    }
  });
});

/**
 * The inbox as its image runs it (bundled by esbuild, as components/runtime/channels/Dockerfile does),
 * receiving a Docker stack's own rendered Alertmanager config through a real Alertmanager: the
 * receivers of the Docker test stack (webhooks, Slack) deliver to it once `alert-inbox:8080` resolves
 * to it.
 */
describe('the alert inbox, bundled, with the Docker test stack and a real Alertmanager', () => {
  let dir: string;
  let inbox: RunningProcess;
  let alertmanager: RunningProcess;
  let inboxUrl: string;
  let amUrl: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'promstack-inbox-'));
    const bundle = join(dir, 'inbox.js');
    await build({
      entryPoints: [join(ROOT, 'components/runtime/channels/inbox-main.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      outfile: bundle,
      logLevel: 'silent',
    });
    const [httpPort, smtpPort, amPort] = [await freePort(), await freePort(), await freePort()];
    inboxUrl = `http://127.0.0.1:${httpPort}`;
    inbox = startProcess('alert-inbox', process.execPath, [bundle], {
      env: { ...process.env, HOST: '127.0.0.1', HTTP_PORT: String(httpPort), SMTP_PORT: String(smtpPort) },
    });
    await waitFor(() => fetch(`${inboxUrl}/healthz`).then((r) => (r.ok ? true : undefined)), {
      timeoutMs: 15_000,
      describe: () => `the inbox did not start:\n${inbox.output()}`,
    });

    // The Docker test stack, plus the e-mail receiver a team would add: its mail goes to the inbox's
    // SMTP stand-in.
    const dev = testStackConfig('docker') as StackConfigInput & {
      receivers: object[];
      teams: Record<string, { critical: string[] }>;
    };
    const stack = {
      ...dev,
      receivers: [
        ...dev.receivers,
        {
          name: 'shop-mail',
          email_configs: [
            {
              to: 'shop-mail@promstack.local',
              from: 'alertmanager@promstack.local',
              smarthost: 'alert-inbox:2525',
              require_tls: false,
              // The inbox reads alerts out of this text; Alertmanager's default e-mail is HTML only.
              text: PROMSTACK_TEXT,
            },
          ],
        },
      ],
      teams: {
        ...dev.teams,
        shop: { ...dev.teams.shop, critical: [...dev.teams.shop.critical, 'shop-mail'] },
      },
    };
    const synth = synthStack(stack, services, {
      environment: 'dev',
      layout: layoutUnder(join(dir, 'stack')),
    });
    // The container network's name for the inbox, here: 127.0.0.1 and the inbox's port.
    const local = (text: string) =>
      text
        .replaceAll('http://alert-inbox:8080', inboxUrl)
        .replaceAll('alert-inbox:2525', `127.0.0.1:${smtpPort}`);
    const amFile = 'alertmanager/alertmanager.yml';
    writeFiles({ [amFile]: local(synth.files[amFile]) }, join(dir, 'stack'));
    writeFiles(
      Object.fromEntries(
        Object.entries(synth.files).filter(([p]) => p.startsWith('alertmanager/templates/')),
      ),
      join(dir, 'stack'),
    );
    const secrets = Object.entries(alertInboxSecretValues(synth.config));
    writeFiles(
      Object.fromEntries(secrets.map(([name, value]) => [`alertmanager/secrets/${name}`, local(value)])),
      join(dir, 'stack'),
    );
    amUrl = `http://127.0.0.1:${amPort}`;
    alertmanager = startProcess('alertmanager', findTool('alertmanager'), [
      `--config.file=${join(dir, 'stack', amFile)}`,
      `--storage.path=${join(dir, 'am-data')}`,
      `--web.listen-address=127.0.0.1:${amPort}`,
      '--cluster.listen-address=',
    ]);
    await waitFor(() => fetch(`${amUrl}/-/ready`).then((r) => (r.ok ? true : undefined)), {
      timeoutMs: 15_000,
      describe: () => `alertmanager not ready:\n${alertmanager.output()}`,
    });
  });

  afterAll(async () => {
    await alertmanager?.stop();
    await inbox?.stop();
  });

  it('gets every receiver of the stack (and an e-mail one) its notification, lists it on /notifications and logs it', async () => {
    const now = new Date().toISOString();
    const alert = (alertname: string, team: string, severity: string) => ({
      labels: { alertname, service: 'orders', team, severity, environment: 'dev' },
      annotations: { summary: `${alertname} in the inbox test` },
      startsAt: now,
    });
    const posted = await fetch(`${amUrl}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        alert('InboxCritical', 'shop', 'critical'),
        alert('InboxPlatform', 'platform', 'warning'),
      ]),
    });
    expect(posted.status).toBe(200);
    // The Docker test stack's group_wait is 10s.
    const notifications = await waitFor(
      async () => {
        const { notifications } = await getJson<{ notifications: Notification[] }>(
          `${inboxUrl}/notifications`,
        );
        const receivers = new Set(notifications.map((n) => n.receiver));
        return ['platform-webhook', 'shop-mail', 'shop-pager', 'shop-slack'].every((r) => receivers.has(r))
          ? notifications
          : undefined;
      },
      {
        timeoutMs: 40_000,
        describe: () => `not every receiver delivered:\n${alertmanager.output().slice(-3000)}`,
      },
    );
    const seen = notifications.map(
      (n) => `${n.channel} ${n.receiver} ${n.alerts.map((a) => a.alertname).join(',')}`,
    );
    expect(seen.sort()).toEqual([
      'email shop-mail InboxCritical',
      'slack shop-slack InboxCritical',
      'webhook platform-webhook InboxPlatform',
      'webhook shop-pager InboxCritical',
    ]);
    expect(inbox.output()).toMatch(/ slack shop-slack firing \[InboxCritical\]\n/);
  }, 60_000);

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((done) => inbox.child.once('exit', (code) => done(code)));
    inbox.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
