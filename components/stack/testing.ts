import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { ValidationError } from '../model/errors';
import { zodIssues } from '../model/validate';
import { runTool } from '../tools/binaries';
import { stackConfig, type StackConfig, type StackConfigInput } from './config';
import { OUTPUT_PATHS } from './paths';
import type { SynthResult } from './synth';
export { layoutUnder } from './layout';

const ROOT = resolve(__dirname, '..', '..');

/**
 * The test stacks: `test/stacks/Pulumi.<name>.yaml`, Pulumi stack files made for the tests, so that a
 * change to a stack the repository deploys never breaks a component test. The CLI reads them with
 * `--root test/stacks --stack <name>`.
 * - `docker`: Docker with the example backend and the alert inbox; Slack and webhook receivers.
 * - `kubernetes`: two Prometheus replicas, three Alertmanagers, remote write, PagerDuty and Slack.
 * - `full`: every section of the stack schema set, each receiver kind, silences, maintenance windows.
 */
export const TEST_STACKS_DIR = join(ROOT, 'test', 'stacks');
export const TEST_STACKS = ['docker', 'kubernetes', 'full'] as const;
export type TestStackName = (typeof TEST_STACKS)[number];

const DOCKER_SECRETS = [
  'grafana-admin-password',
  'grafana-secret-key',
  'slack-webhook-url',
  'web-password',
] as const;

/**
 * The secrets the docker and kubernetes test stacks read. Of the repository's stacks, dev reads the
 * docker ones, staging those and the watchdog's heartbeat URL, prod the kubernetes ones and that URL.
 * A test whose stack reads more (TLS files, a receiver's token) names those where it gives the values.
 */
export const TEST_STACK_SECRETS = {
  docker: DOCKER_SECRETS,
  kubernetes: [
    ...DOCKER_SECRETS,
    'mimir-password',
    'pagerduty-platform-routing-key',
    'pagerduty-shop-routing-key',
  ],
} as const;

/**
 * A value for each named secret, `SECRET-<name>`: no config or path holds it, so a test that finds it
 * in state, a manifest or a log has found that secret leaking, and the text says which.
 */
export function secretValues<Name extends string>(names: readonly Name[]): Record<Name, string> {
  return Object.fromEntries(names.map((name) => [name, `SECRET-${name}`])) as Record<Name, string>;
}

/** The `promstack:stack` object of a Pulumi.<env>.yaml file. */
function stackInputOf(file: string): StackConfigInput {
  const doc = parse(readFileSync(file, 'utf8')) as { config: Record<string, unknown> };
  return doc.config['promstack:stack'] as StackConfigInput;
}

/**
 * The `promstack:stack` object of the test stack `name` (from `dir`, test/stacks by default), a fresh
 * copy at each call (a test may change it), checked against the stack schema
 * (components/stack/config.ts): a broken fixture fails where it is loaded, with every issue and its path.
 */
export function testStackConfig(name: TestStackName, dir = TEST_STACKS_DIR): StackConfigInput {
  const file = join(dir, `Pulumi.${name}.yaml`);
  const input = stackInputOf(file);
  const parsed = stackConfig.safeParse(input);
  if (!parsed.success)
    throw new ValidationError(zodIssues(parsed.error, input, `${relative(ROOT, file)}: stack`));
  return input;
}

/**
 * The `promstack:stack` object of the repository's Pulumi.<env>.yaml: the user's stacks. Only for the
 * tests of those stacks as deployed (infra/, scripts/, the drill); component tests use testStackConfig.
 */
export function repoStackConfig(environment: string): StackConfigInput {
  return stackInputOf(join(ROOT, `Pulumi.${environment}.yaml`));
}

const HOUR = 3_600_000;

/** The time `offsetMs` from now, to the second, as a stack config writes it. */
const isoFromNow = (offsetMs: number) =>
  new Date(Date.now() + offsetMs).toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * Three silences of the stack config, around the time of the call: orders' non-critical High* alerts
 * from an hour ago to an hour on (comment 'load test of orders'), stock from an hour on ('later'), cart
 * until an hour ago ('over'). Applied, they leave Alertmanager the first active, the second pending and
 * nothing of the ended third.
 */
export function silencesAroundNow(): StackConfig['silences'] {
  return [
    {
      matchers: ['service="orders"', 'alertname=~"High.*"', 'severity!="critical"'],
      startsAt: isoFromNow(-HOUR),
      endsAt: isoFromNow(HOUR),
      createdBy: 'platform team',
      comment: 'load test of orders',
    },
    {
      matchers: ['service="stock"'],
      startsAt: isoFromNow(HOUR),
      endsAt: isoFromNow(2 * HOUR),
      createdBy: 'ops',
      comment: 'later',
    },
    {
      matchers: ['service="cart"'],
      startsAt: isoFromNow(-2 * HOUR),
      endsAt: isoFromNow(-HOUR),
      createdBy: 'ops',
      comment: 'over',
    },
  ];
}

/** Writes synth output below `root` (keys are paths relative to it) and returns `root`. */
export function writeFiles(
  files: Record<string, string>,
  root = mkdtempSync(join(tmpdir(), 'promstack-synth-')),
): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** What promtool and amtool say of a rendered stack: exit code and output of each. */
export interface ToolVerdicts {
  promtool: { code: number; output: string };
  amtool: { code: number; output: string };
}

/**
 * Writes a synth result below `root` (rendered with `layoutUnder(root)`), with a placeholder for every
 * secret it mounts, and runs `promtool check config` and `amtool check-config` on it.
 */
export async function checkWithTools(
  result: Pick<SynthResult, 'files' | 'secrets'>,
  root: string,
): Promise<ToolVerdicts> {
  writeFiles(result.files, root);
  for (const [tool, names] of Object.entries(result.secrets)) {
    mkdirSync(join(root, tool, 'secrets'), { recursive: true });
    for (const secret of names)
      writeFileSync(join(root, tool, 'secrets', secret), 'https://secret.example.invalid/x\n');
  }
  const run = async (tool: 'promtool' | 'amtool', args: string[]) => {
    const { code, stdout, stderr } = await runTool(tool, args);
    return { code, output: stdout + stderr };
  };
  return {
    promtool: await run('promtool', ['check', 'config', join(root, OUTPUT_PATHS.prometheusConfig)]),
    amtool: await run('amtool', ['check-config', join(root, OUTPUT_PATHS.alertmanagerConfig)]),
  };
}

/** What checkWithTools returns when both tools accept the files (a jest matcher: tests only). */
export function toolsAccept(): unknown {
  return {
    promtool: { code: 0, output: expect.stringContaining('SUCCESS') },
    amtool: { code: 0, output: expect.not.stringContaining('FAILED') },
  };
}
