import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../../model/errors';
import { validateStack } from '../../stack/synth';
import { silencesAroundNow, testStackConfig } from '../../stack/testing';
import { getJson } from '../processes';
import { startLocalStack, type LocalStack } from './stack';
import { withLogin } from './web-auth';

const hour = 3_600_000;
const iso = (offset: number) => new Date(Date.now() + offset).toISOString().replace(/\.\d+Z$/, 'Z');

interface ApiSilence {
  id: string;
  comment: string;
  status: { state: string };
}
interface ApiAlert {
  labels: Record<string, string>;
  status: { state: string; silencedBy: string[] };
}

describe('silences of the stack config', () => {
  it('are refused with their path when a matcher does not parse or the end is not after the start', () => {
    const config = {
      ...testStackConfig('docker'),
      silences: [
        {
          matchers: ['service=orders"'],
          startsAt: iso(0),
          endsAt: iso(hour),
          createdBy: 'me',
          comment: 'why',
        },
        {
          matchers: ['service="orders"'],
          startsAt: iso(hour),
          endsAt: iso(0),
          createdBy: 'me',
          comment: 'why',
        },
      ],
    };
    let issues: readonly { path: string; message: string }[] = [];
    try {
      validateStack(config, []);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      issues = error.issues;
    }
    expect(issues).toEqual([
      {
        path: 'stack.silences[0].matchers[0]',
        message: expect.stringMatching(/^invalid matcher "service=orders\\"":/),
      },
      {
        path: 'stack.silences[1].endsAt',
        message: expect.stringMatching(/ends at or before it starts .*set endsAt after startsAt/),
      },
    ]);
  });

  describe('on a local stack', () => {
    const dir = mkdtempSync(join(tmpdir(), 'promstack-silences-'));
    const lines: string[] = [];
    const silences = silencesAroundNow();
    const start = () =>
      startLocalStack({
        stack: { ...testStackConfig('docker'), silences },
        services: [],
        environment: 'dev',
        root: join(dir, 'data'),
        ports: 'free',
        exampleBackend: false,
        tools: { 'grafana-server': undefined },
        log: (line) => lines.push(line),
      });
    let stack: LocalStack | undefined;

    afterAll(async () => {
      await stack?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('are created when it starts (not the ended one), and silence the alerts they match', async () => {
      stack = await start();
      expect(lines).toContain('silences: 2 created, 0 already there, 1 ended');
      const am = stack.urls.alertmanagers[0];
      const live = (await getJson<ApiSilence[]>(`${am}/api/v2/silences`, withLogin(stack.webAuth))).filter(
        (s) => s.status.state !== 'expired',
      );
      expect(live.map((s) => [s.comment, s.status.state]).sort()).toEqual([
        ['later', 'pending'],
        ['load test of orders', 'active'],
      ]);
      const post = await fetch(
        `${am}/api/v2/alerts`,
        withLogin(stack.webAuth, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify([
            { labels: { alertname: 'HighLatency', service: 'orders', severity: 'warning' } },
            { labels: { alertname: 'HighLatency', service: 'orders', severity: 'critical' } },
          ]),
        }),
      );
      expect(post.status).toBe(200);
      const alerts = await getJson<ApiAlert[]>(`${am}/api/v2/alerts`, withLogin(stack.webAuth));
      const silenced = live.find((s) => s.comment === 'load test of orders')!.id;
      const bySeverity = Object.fromEntries(alerts.map((a) => [a.labels.severity, a.status.silencedBy]));
      expect(bySeverity).toEqual({ warning: [silenced], critical: [] });
    });

    it('are not created twice when the stack starts again on the same data', async () => {
      await stack!.stop();
      lines.length = 0;
      stack = await start();
      expect(lines).toContain('silences: 0 created, 2 already there, 1 ended');
      const am = stack.urls.alertmanagers[0];
      const live = (await getJson<ApiSilence[]>(`${am}/api/v2/silences`, withLogin(stack.webAuth))).filter(
        (s) => s.status.state !== 'expired',
      );
      expect(live).toHaveLength(2);
    });
  });
});
