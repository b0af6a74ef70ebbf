import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool } from '../tools/binaries';
import { services } from '../../infra/services';
import { synthStack } from './index';
import { testStackConfig, writeFiles } from './testing';
import { scaleDuration, scaleRanges } from './time-scale';

describe('time scale for drills', () => {
  it.each([
    ['5m', 60, '5s'],
    ['1h', 60, '1m'],
    ['3d', 60, '1h12m'],
    ['30d', 60, '12h'],
    ['10s', 60, '1s'],
    ['0s', 60, '0s'],
  ])('scales %s by %i to %s', (text, factor, scaled) => {
    expect(scaleDuration(text, factor)).toBe(scaled);
  });

  it('scales the range windows of an expression and nothing else', () => {
    expect(scaleRanges('sum(rate(x{a="[5m]"}[5m])) / sum(rate(x[1h])) > 5', 60)).toBe(
      'sum(rate(x{a="[5s]"}[5s])) / sum(rate(x[1m])) > 5',
    );
  });

  it('renders scaled rules that promtool accepts, with no generated tests, and leaves the rest alone', async () => {
    const normal = synthStack(testStackConfig('docker'), services, { environment: 'dev' });
    const scaled = synthStack(testStackConfig('docker'), services, { environment: 'dev', timeScale: 60 });
    expect(scaled.files['prometheus/rules/orders.yml']).toContain(
      'rate(http_requests_total{job="orders"}[5s])',
    );
    expect(scaled.files['prometheus/rules/orders.yml']).toContain('for: 5s');
    expect(Object.keys(scaled.files).filter((p) => p.startsWith('prometheus/tests/'))).toEqual([]);
    expect(scaled.summary.alerts.every((a) => !a.tested)).toBe(true);
    expect(scaled.files['prometheus/prometheus.yml']).toBe(normal.files['prometheus/prometheus.yml']);
    const root = writeFiles(scaled.files, mkdtempSync(join(tmpdir(), 'promstack-scaled-')));
    const check = await runTool('promtool', ['check', 'rules', join(root, 'prometheus/rules/orders.yml')]);
    expect(check.code).toBe(0);
  });
});
