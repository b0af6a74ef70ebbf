import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { services } from '../../infra/services';
import { runTool } from '../tools/binaries';
import { synthStack } from './index';
import { layoutUnder, testStackConfig, writeFiles } from './testing';

const jobsOf = (files: Record<string, string>) =>
  (
    parse(files['prometheus/prometheus.yml']) as { scrape_configs: { job_name: string }[] }
  ).scrape_configs.map((c) => c.job_name);

describe('a stack without Grafana', () => {
  it('has no grafana scrape job when no Grafana endpoint is given, and promtool accepts it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'promstack-no-grafana-'));
    const files = synthStack(testStackConfig('docker'), services, {
      environment: 'dev',
      platform: 'local',
      layout: layoutUnder(root),
      endpoints: { prometheus: ['127.0.0.1:9090'], alertmanagers: ['127.0.0.1:9093'] },
    }).files;
    // The stack's own jobs; each service's job is in prometheus/scrape/.
    expect(jobsOf(files)).toEqual(['prometheus', 'alertmanager']);
    // Grafana's own provisioning still names Prometheus and Alertmanager, for a Grafana run elsewhere.
    expect(files['grafana/provisioning/datasources/promstack.yaml']).toContain('url: http://127.0.0.1:9090');
    writeFiles(files, root);
    const check = await runTool('promtool', ['check', 'config', join(root, 'prometheus', 'prometheus.yml')]);
    expect(check.code).toBe(0);
  });

  it.each(['docker', 'kubernetes'] as const)(
    'leaves the %s scrape jobs as they were, Grafana included',
    (platform) => {
      const files = synthStack(testStackConfig(platform), services, { environment: platform }).files;
      expect(jobsOf(files)).toEqual(['prometheus', 'alertmanager', 'grafana']);
      expect(files['prometheus/prometheus.yml']).toContain(
        platform === 'docker' ? '- grafana:3000' : '- grafana.monitoring.svc:3000',
      );
    },
  );
});
