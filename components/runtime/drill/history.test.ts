import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool } from '../../tools/binaries';
import { counterHistory, writeHistoryBlocks } from './history';

const counter = (route: string, perSecond: number) => ({
  labels: { __name__: 'http_requests_total', job: 'orders', route, status: '200', note: 'say "hi"\\' },
  perSecond,
});

describe('a clean history for the SLO windows', () => {
  it('writes steadily growing counters from 0, one sample per step, in OpenMetrics', () => {
    const text = counterHistory([counter('/api/orders', 0.5), counter('/metrics', 1)], {
      from: 1_000_000,
      to: 1_002_000,
      stepSeconds: 1,
    });
    expect(text).toBe(
      [
        'http_requests_total{job="orders",note="say \\"hi\\"\\\\",route="/api/orders",status="200"} 0 1000',
        'http_requests_total{job="orders",note="say \\"hi\\"\\\\",route="/metrics",status="200"} 0 1000',
        'http_requests_total{job="orders",note="say \\"hi\\"\\\\",route="/api/orders",status="200"} 0.5 1001',
        'http_requests_total{job="orders",note="say \\"hi\\"\\\\",route="/metrics",status="200"} 1 1001',
        'http_requests_total{job="orders",note="say \\"hi\\"\\\\",route="/api/orders",status="200"} 1 1002',
        'http_requests_total{job="orders",note="say \\"hi\\"\\\\",route="/metrics",status="200"} 2 1002',
        '# EOF',
        '',
      ].join('\n'),
    );
  });

  it('becomes TSDB blocks the real promtool reads back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promstack-history-'));
    try {
      const now = Date.now();
      const text = counterHistory([counter('/api/orders', 2)], {
        from: now - 3_600_000,
        to: now - 1000,
        stepSeconds: 15,
      });
      await writeHistoryBlocks(text, join(dir, 'data'), join(dir, 'work'));
      expect(readdirSync(join(dir, 'data')).length).toBeGreaterThan(0);
      // promtool reads a data folder as a server would: with a WAL folder, its sandbox outside it.
      mkdirSync(join(dir, 'data', 'wal'));
      const dump = await runTool(
        'promtool',
        ['tsdb', 'dump', `--sandbox-dir-root=${dir}`, join(dir, 'data')],
        {
          timeoutMs: 60_000,
        },
      );
      expect(dump.stderr).toBe('');
      expect(dump.code).toBe(0);
      const lines = dump.stdout.trim().split('\n');
      // One sample every 15 s for an hour at 2 requests/s: the last at 3585 s, 7170 requests.
      expect(lines).toHaveLength(240);
      expect(lines[lines.length - 1]).toMatch(
        /^\{__name__="http_requests_total", job="orders", note="say \\"hi\\"\\\\", route="\/api\/orders", status="200"\} 7170 \d+$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says what promtool did not like', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promstack-history-'));
    try {
      await expect(writeHistoryBlocks('not openmetrics\n', join(dir, 'data'), dir)).rejects.toThrow(
        'promtool tsdb create-blocks-from openmetrics failed',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
