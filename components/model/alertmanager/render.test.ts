import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool } from '../../tools/binaries';
import { richAlertmanagerConfig } from './example';
import { renderAlertmanagerConfig } from './index';

const TEMPLATES = `{{ define "slack.promstack.title" }}[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}{{ end }}
{{ define "email.promstack.subject" }}[{{ .Status }}] {{ .GroupLabels.SortedPairs.Values | join " " }}{{ end }}
`;

/** Renders the rich example into a folder laid out as the platforms mount it; returns the config path. */
function writeRichConfig(): { file: string; secretsDir: string; yaml: string; secrets: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'promstack-am-'));
  const templatesDir = join(dir, 'templates');
  const secretsDir = join(dir, 'secrets');
  mkdirSync(templatesDir);
  mkdirSync(secretsDir);
  writeFileSync(join(templatesDir, 'promstack.tmpl'), TEMPLATES);
  const { yaml, secrets } = renderAlertmanagerConfig(richAlertmanagerConfig(templatesDir), { secretsDir });
  for (const name of secrets) writeFileSync(join(secretsDir, name), 'not-a-real-secret\n');
  const file = join(dir, 'alertmanager.yml');
  writeFileSync(file, yaml);
  return { file, secretsDir, yaml, secrets };
}

describe('alertmanager.yml from the rich example', () => {
  const rendered = writeRichConfig();

  it('lists every secret it refers to, each as a mounted file path', () => {
    expect(rendered.secrets).toEqual([
      'archive-smtp-password',
      'incident-token',
      'incident-webhook-url',
      'opsgenie-api-key',
      'pagerduty-routing-key',
      'slack-webhook-url',
      'smtp-password',
      'smtp-secret',
      'teams-payments-webhook',
      'teams-payments-workflow',
      'telegram-bot-token',
    ]);
    for (const name of rendered.secrets)
      expect(rendered.yaml).toContain(`: ${rendered.secretsDir}/${name}\n`);
  });

  it('is accepted by the real amtool check-config, templates included', async () => {
    const result = await runTool('amtool', ['check-config', rendered.file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('SUCCESS');
    expect(result.stdout).toContain(' - 2 inhibit rules');
    expect(result.stdout).toContain(' - 8 receivers');
    expect(result.stdout).toContain(' - 1 templates');
  });

  it.each([
    [['alertname=Watchdog', 'severity=none'], 'null'],
    [['alertname=InfoInhibitor'], 'null'],
    [['severity=critical', 'team=payments'], 'pagerduty-oncall,slack-ops,opsgenie-payments'],
    [['severity=warning', 'team=payments'], 'slack-ops,teams-payments'],
    [['severity=critical', 'team=infra', 'env=prod'], 'pagerduty-oncall,slack-ops,telegram-infra'],
    [['severity=info', 'team=infra', 'env=prod'], 'telegram-infra'],
    [['severity=info', 'team=infra', 'env=dev'], 'default-email'],
    [['audit=true'], 'webhook-audit'],
    [['alertname=DiskFull'], 'default-email'],
  ])('routes %j to %s, as amtool config routes test shows', async (labels, receivers) => {
    const result = await runTool('amtool', [
      'config',
      'routes',
      'test',
      `--config.file=${rendered.file}`,
      ...labels,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(receivers);
  });

  it('renders matchers, group_by and sets in canonical form', () => {
    expect(rendered.yaml).toContain('        - team="payments"\n');
    expect(rendered.yaml).toContain('    - group_by:\n        - ...\n');
    expect(rendered.yaml).toContain('  group_by:\n    - alertname\n    - cluster\n    - namespace\n');
    expect(rendered.yaml).toContain('        - env!="dev"\n        - team="infra"\n');
    expect(rendered.yaml).toContain('          - sunday\n');
    // Alertmanager 0.33 knows inhibit rule names (amtool accepts the file above).
    expect(rendered.yaml).toContain('  - name: critical-silences-lower\n');
  });
});
