import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { TEST_STACKS_DIR } from '../components/stack/testing';
import { WEB_CONFIG_FILE, webConfigYaml } from '../components/platforms/web-auth';
import { MANIFEST } from './output-dir';
import { readTree, removeTempDirs, runCli, tempDir, TESTDATA } from './testing';

const STACKS = join(TESTDATA, 'stacks');

describe('promstack synth', () => {
  afterAll(removeTempDirs);

  it('writes every file of the Docker test stack and summarizes it, identically across runs, time zones and locales', async () => {
    const out = join(tempDir(), 'out');
    const args = ['synth', '--root', TEST_STACKS_DIR, '--stack', 'docker', '--out', out];
    const first = await runCli(args);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const files = readTree(out);
    const second = await runCli(args);
    const elsewhere = await runCli(args, {
      env: { TZ: 'Pacific/Auckland', LC_ALL: 'de_DE.UTF-8', LANG: 'de_DE.UTF-8' },
    });
    expect(second.stdout).toBe(first.stdout);
    expect(elsewhere.stdout).toBe(first.stdout);
    expect(readTree(out)).toEqual(files);

    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        MANIFEST,
        'prometheus/prometheus.yml',
        'prometheus/rules/orders.yml',
        'prometheus/rules/promstack-stack.yml',
        'prometheus/tests/orders.yml',
        'alertmanager/alertmanager.yml',
        'alertmanager/templates/promstack.tmpl',
        'grafana/provisioning/datasources/promstack.yaml',
        'grafana/dashboards/promstack-overview.json',
      ]),
    );
    expect(files['prometheus/prometheus.yml']).toContain('environment: docker');
    expect(first.stdout).toMatch(/^promstack synth: stack docker → .+ \(\d+ files\)$/m);
    expect(first.stdout).toMatch(/^ {2}services +1 {2}orders$/m);
    expect(first.stdout).toMatch(/^ {2}scrape jobs +4 {2}prometheus, alertmanager, grafana, orders$/m);
    expect(first.stdout).toMatch(/^ {2}alerts +\d+ {2}\d+ with unit tests$/m);
    expect(first.stdout).toMatch(/^ {2}recording rules +\d+$/m);
    expect(first.stdout).toMatch(/^ {2}receivers +3 {2}shop-slack, shop-pager, platform-webhook$/m);
    expect(first.stdout).toMatch(/^ {2}dashboards +\d+ {2}promstack-overview/m);
    expect(first.stdout).toMatch(/^ {2}untested alerts +\d+$/m);
    expect(first.stdout).not.toContain('\u001b[');
  });

  it('--json lists the files it wrote and the summary, and the folder holds exactly those', async () => {
    const out = tempDir();
    const run = await runCli(['synth', '--stack', 'dev', '--out', out, '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as {
      ok: boolean;
      files: string[];
      summary: { alerts: { service: string; alertname: string; tested: boolean }[]; jobs: string[] };
    };
    expect(result.ok).toBe(true);
    expect(Object.keys(readTree(out)).sort()).toEqual([MANIFEST, ...result.files].sort());
    expect(result.summary.jobs).toContain('orders');
    expect(result.summary.alerts).toContainEqual(
      expect.objectContaining({ service: 'orders', alertname: 'HighErrorRate', tested: true }),
    );
  });

  it('removes what the previous synth wrote and nothing else', async () => {
    const out = tempDir();
    // As if an earlier synth had rendered a service that has since been removed.
    mkdirSync(join(out, 'prometheus', 'rules'), { recursive: true });
    writeFileSync(join(out, 'prometheus', 'rules', 'payments.yml'), 'groups: []\n');
    writeFileSync(
      join(out, MANIFEST),
      JSON.stringify({ generator: 'promstack', stack: 'dev', files: ['prometheus/rules/payments.yml'] }),
    );
    writeFileSync(join(out, 'NOTES.md'), 'mine\n');
    const run = await runCli(['synth', '--stack', 'dev', '--out', out]);
    expect(run.code).toBe(0);
    expect(existsSync(join(out, 'prometheus', 'rules', 'payments.yml'))).toBe(false);
    expect(readFileSync(join(out, 'NOTES.md'), 'utf8')).toBe('mine\n');
    expect(existsSync(join(out, 'prometheus', 'rules', 'orders.yml'))).toBe(true);
  });

  it('prints every validation error as path: message and exits 1, without touching the secrets', async () => {
    const out = join(tempDir(), 'out');
    const run = await runCli(['synth', '--root', STACKS, '--stack', 'broken', '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('stack broken is not valid (4 problems)');
    for (const line of [
      '  stack.prometheus: unknown field "retension": check the spelling against the documented fields',
      '  stack.prometheus.scrapeInterval: invalid duration "15 seconds"',
      '  stack.receivers[shop-slack].slack_configs[0]: unknown field "api_url"',
    ]) {
      expect(run.stderr).toContain(line);
    }
    expect(run.stderr + run.stdout).not.toContain('FIXTUREciphertext');
    expect(existsSync(out)).toBe(false);

    const json = await runCli(['synth', '--root', STACKS, '--stack', 'broken', '--out', out, '--json']);
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout) as { ok: boolean; issues: { path: string; message: string }[] };
    expect(parsed.ok).toBe(false);
    expect(parsed.issues.map((i) => i.path)).toContain('stack.prometheus.scrapeInterval');
  });

  it('reports a stack file that is not YAML, or has no promstack:stack key, as a validation error', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'Pulumi.bad.yaml'), 'config:\n  promstack:stack: [\n');
    writeFileSync(join(root, 'Pulumi.empty.yaml'), 'config:\n  aws:region: eu-west-1\n');
    const [bad, empty] = await Promise.all([
      runCli(['synth', '--root', root, '--stack', 'bad', '--out', join(root, 'out')]),
      runCli(['synth', '--root', root, '--stack', 'empty', '--out', join(root, 'out')]),
    ]);
    expect(bad.stderr).toContain('Pulumi.bad.yaml: not valid YAML');
    expect(bad.code).toBe(1);
    expect(empty.stderr).toContain('Pulumi.empty.yaml: config.promstack:stack: missing');
    expect(empty.code).toBe(1);
  });

  it('--manifests writes what the Pulumi program would create: Kubernetes objects as YAML, Docker resources as JSON, secrets as markers only', async () => {
    // The repository's stacks, with the encrypted secrets a real stack file holds beside them.
    const root = tempDir();
    for (const env of ['prod', 'dev']) {
      const text = readFileSync(join(__dirname, '..', `Pulumi.${env}.yaml`), 'utf8');
      writeFileSync(
        join(root, `Pulumi.${env}.yaml`),
        `${text}  promstack:secrets:\n    secure: v1:FIXTUREciphertextMUSTneverBEprinted==\n`,
      );
    }
    const [prod, again, dev] = await Promise.all([
      runCli(['synth', '--root', root, '--stack', 'prod', '--out', join(root, 'prod'), '--manifests']),
      runCli(['synth', '--root', root, '--stack', 'prod', '--out', join(root, 'prod-again'), '--manifests']),
      runCli([
        'synth',
        '--root',
        root,
        '--stack',
        'dev',
        '--out',
        join(root, 'dev'),
        '--manifests',
        '--json',
      ]),
    ]);
    expect([prod.stderr, dev.stderr]).toEqual(['', '']);
    expect([prod.code, again.code, dev.code]).toEqual([0, 0, 0]);

    const prodFiles = readTree(join(root, 'prod'));
    expect(readTree(join(root, 'prod-again'))).toEqual(prodFiles);
    const manifests = Object.keys(prodFiles).filter((f) => f.startsWith('manifests/'));
    expect(manifests).toEqual(
      expect.arrayContaining([
        'manifests/00-namespace-monitoring.yaml',
        'manifests/10-statefulset-monitoring-prometheus.yaml',
        'manifests/10-statefulset-monitoring-alertmanager.yaml',
        'manifests/09-deployment-monitoring-grafana.yaml',
      ]),
    );
    expect(prodFiles['prometheus/prometheus.yml']).toBeDefined();
    // Each Secret's values are the markers of the stack secrets it carries, nothing else; the web
    // config is derived from the password's marker, so it holds the hash of no real password.
    const secrets = manifests.filter((f) => f.includes('-secret-')).map((f) => prodFiles[f]);
    expect(secrets.length).toBe(3);
    const webConfig = webConfigYaml(
      { username: 'promstack', passwordSecret: 'web-password' },
      '<secret:web-password>',
    );
    for (const text of secrets) {
      const data = (parse(text) as { stringData: Record<string, string> }).stringData;
      expect(Object.keys(data).length).toBeGreaterThan(0);
      for (const [key, value] of Object.entries(data))
        expect(value).toBe(key === WEB_CONFIG_FILE ? webConfig : `<secret:${key}>`);
    }

    const devFiles = readTree(join(root, 'dev'));
    const listed = (JSON.parse(dev.stdout) as { files: string[] }).files;
    expect(listed).toEqual(
      expect.arrayContaining(['manifests/docker-container-promstack-prometheus-container.json']),
    );
    // Grafana's files reach it through the config volume its holder fills (docker-config.ts).
    const grafana = JSON.parse(
      devFiles['manifests/docker-container-promstack-grafana-config-holder.json'],
    ) as {
      inputs: { uploads: { file: string; content: string }[] };
    };
    expect(grafana.inputs.uploads.find((u) => u.file.endsWith('/grafana-admin-password'))?.content).toBe(
      '<secret:grafana-admin-password>',
    );
    for (const text of [...Object.values(prodFiles), ...Object.values(devFiles), prod.stdout, dev.stdout])
      expect(text).not.toContain('FIXTUREciphertext');
  }, 180_000);
});
