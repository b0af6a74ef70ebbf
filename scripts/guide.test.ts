import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ts from 'typescript';
import { parse } from 'yaml';
import { services } from '../infra/services';
import type { ServiceDefinition } from '../components/service';
import { synthStack } from '../components/stack/synth';
import { checkWithTools, layoutUnder, testStackConfig, toolsAccept } from '../components/stack/testing';
import {
  GUIDE,
  GUIDE_COMMAND,
  defaultInDoc,
  optionsReference,
  serviceRows,
  withReference,
  zodRows,
} from './guide-options';
import { z } from 'zod';
import { stackConfig } from '../components/stack/config';

const ROOT = resolve(__dirname, '..');
const guide = readFileSync(GUIDE, 'utf8');

/** The code blocks of one language in the guide, outside the generated reference. */
const blocks = (lang: string) =>
  [...guide.matchAll(new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((m) => m[1]);

/** Deep merge as a reader adds a fragment to a stack file: lists grow, maps merge, values replace. */
function merge(into: unknown, fragment: unknown): unknown {
  if (Array.isArray(into) && Array.isArray(fragment)) return [...into, ...fragment];
  if (isMap(into) && isMap(fragment)) {
    const out: Record<string, unknown> = { ...into };
    for (const [key, value] of Object.entries(fragment))
      out[key] = key in out ? merge(out[key], value) : value;
    return out;
  }
  return fragment;
}
const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A TypeScript block as the file `infra/services/<name>.ts`: type-checked with the repository's code
 * (so that `red.requests` naming a gauge fails, as it would for the reader), then run.
 */
function serviceFromBlock(source: string): ServiceDefinition {
  const file = join(ROOT, 'infra', 'services', 'guide-example.ts');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    esModuleInterop: true,
  };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (path) => (resolve(path) === file ? source : read(path));
  const exists = host.fileExists.bind(host);
  host.fileExists = (path) => resolve(path) === file || exists(path);
  const program = ts.createProgram([file], options, host);
  const errors = ts
    .getPreEmitDiagnostics(program, program.getSourceFile(file))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  expect(errors).toEqual([]);
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
  const exports: Record<string, unknown> = {};
  // The block's imports, resolved as from infra/services/ (where the reader puts the file).
  const requireFromServices = (id: string): unknown =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(id.startsWith('.') ? resolve(ROOT, 'infra', 'services', id) : id);
  new Function('require', 'exports', js)(requireFromServices, exports);
  const defined = Object.values(exports) as ServiceDefinition[];
  expect(defined).toHaveLength(1);
  return defined[0];
}

describe('docs/guide.md', () => {
  it(`has the options reference the schemas give (else run ${GUIDE_COMMAND})`, () => {
    const fresh = withReference(guide, optionsReference());
    if (fresh === guide) return;
    const [had, wants] = [guide.split('\n'), fresh.split('\n')];
    const line = wants.findIndex((text, i) => text !== had[i]);
    throw new Error(
      `docs/guide.md is stale: run \`${GUIDE_COMMAND}\` and commit it. Line ${line + 1} is\n  ${had[line]}\n` +
        `and the schemas say\n  ${wants[line]}`,
    );
  });

  it('documents every option of the stack config and of a service, with a type and a default', () => {
    const rows = [...zodRows(stackConfig), ...serviceRows()];
    expect(rows.filter((r) => !r.description).map((r) => r.path)).toEqual([]);
    expect(rows.filter((r) => !r.type || !r.default)).toEqual([]);
  });

  it('follows the schemas: a new field appears in the reference, its default read from the schema or the doc', () => {
    const withField = stackConfig.extend({
      pagerTimeout: stackConfig.shape.alertmanager.unwrap().shape.groupWait.describe('A new option.'),
    });
    expect(zodRows(withField).at(-1)).toEqual({
      path: 'pagerTimeout',
      type: 'duration',
      default: '`30s`',
      description: 'A new option.',
    });
    // A field whose schema pipes text through a parser is documented by what the file holds.
    expect(zodRows(z.strictObject({ at: z.string().pipe(z.coerce.date()).describe('When.') }))).toEqual([
      { path: 'at', type: 'string', default: 'required', description: 'When.' },
    ]);
    expect(zodRows(stackConfig)).toContainEqual({
      path: 'teams.<team>.critical',
      type: 'list of string',
      default: '`[]`',
      description: "Receivers of the team's critical alerts.",
    });
    expect(serviceRows()).toContainEqual(
      expect.objectContaining({ path: 'scrape.sampleLimit', type: '`number`', default: '50,000' }),
    );
    expect(serviceRows()).toContainEqual(
      expect.objectContaining({ path: 'alerts.custom.<name>.severity', default: 'required' }),
    );
    expect(defaultInDoc('Compliance period; default 30d (Sloth’s default).')).toBe('30d');
    expect(defaultInDoc('Default: the stack’s scrape interval.')).toBe('the stack’s scrape interval');
    expect(defaultInDoc('Resident memory in bytes; default 512 MiB.')).toBe('512 MiB');
    expect(defaultInDoc('Cores.')).toBeUndefined();
  });

  it('refuses a guide whose markers are gone, naming them', () => {
    expect(() => withReference('# Guide\n', 'x')).toThrow(/lacks the markers/);
  });

  it('has blocks that work on today’s code: the YAML merged into a stack, the service added, both checked by promtool and amtool', async () => {
    const yamlBlocks = blocks('yaml');
    expect(yamlBlocks.length).toBeGreaterThanOrEqual(4);
    let config: unknown = testStackConfig('docker');
    const kubernetesOnly: unknown[] = [];
    for (const block of yamlBlocks) {
      const fragment = (parse(block) as { config: Record<string, unknown> }).config['promstack:stack'];
      expect(fragment).toBeDefined();
      // A block for Kubernetes alone (an Ingress) is checked on the Kubernetes test stack instead.
      if ((fragment as { platform?: string }).platform === 'kubernetes') kubernetesOnly.push(fragment);
      else config = merge(config, fragment);
    }
    for (const fragment of kubernetesOnly)
      expect(() =>
        synthStack(merge(testStackConfig('kubernetes'), fragment), services, { environment: 'prod' }),
      ).not.toThrow();
    const tsBlocks = blocks('ts');
    expect(tsBlocks).toHaveLength(1);
    const payments = serviceFromBlock(tsBlocks[0]);

    const root = mkdtempSync(join(tmpdir(), 'promstack-guide-'));
    try {
      const result = synthStack(config, [...services, payments], {
        environment: 'dev',
        layout: layoutUnder(root),
      });
      await expect(checkWithTools(result, root)).resolves.toEqual(toolsAccept());

      const am = result.rendered.alertmanager;
      expect(am.route.routes?.[0]).toMatchObject({ receiver: 'deadmansswitch' });
      const shop = am.route.routes?.find((r) => r.matchers?.includes('team="shop"'));
      expect(shop?.routes?.every((r) => r.mute_time_intervals?.includes('shop-release-window'))).toBe(true);
      const rules = Object.values(result.rendered.ruleFiles).flatMap((f) => f.groups.flatMap((g) => g.rules));
      const backlog = rules.find((r) => 'alert' in r && r.alert === 'PaymentsQueueBacklog');
      expect(backlog).toMatchObject({
        labels: { service: 'payments', team: 'payments', severity: 'warning' },
        annotations: {
          runbook_url: 'https://wiki.example.com/runbooks/PaymentsQueueBacklog',
          dashboard_url: 'https://grafana.example.com/d/svc-payments',
        },
      });
      expect(result.rendered.dashboards['svc-payments'].panels?.map((p) => p.title)).toContain(
        'payments_queue_depth',
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});
