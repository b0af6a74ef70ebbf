/**
 * Differential test for the Alertmanager dialect: `amtool check-config` parses the template files a
 * config names (template.FromGlobs), so the checker's verdict on a template file must be amtool's. The
 * corpus is the shipped promstack.tmpl, notification texts in the style of Alertmanager's own
 * templates, and seeded mutants of each.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthStack } from '../stack/synth';
import { testStackConfig } from '../stack/testing';
import { findTool, runTool } from '../tools/binaries';
import { ALERTMANAGER_TEMPLATE, checkGoTemplate } from './go-template';
import { MUTANTS, seededRandom } from './go-template-mutants';

const SEED = 0x0a_3370;
const TEMPLATE_FILE = 'notify.tmpl';

const NOTIFICATION_STYLE = [
  '{{ define "t.subject" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .GroupLabels.SortedPairs.Values | join " " }}{{ end }}',
  '{{ define "t.text" }}{{ range .Alerts }}{{ .Annotations.summary }}\n{{ range .Labels.SortedPairs }} - {{ .Name }} = {{ .Value }}\n{{ end }}{{ end }}{{ end }}',
  '{{ define "t.url" }}{{ .ExternalURL | safeUrl }}/#/alerts?receiver={{ .Receiver | urlquery }}{{ end }}',
  '{{ define "t.time" }}{{ range .Alerts }}{{ .StartsAt | tz "Europe/Berlin" | date "15:04" }} ({{ since .StartsAt | humanizeDuration }}){{ end }}{{ end }}',
  '{{ define "t.json" }}{{ toJson (dict "status" .Status "count" (len .Alerts)) }}{{ end }}',
  '{{ define "t.list" }}{{ $l := list }}{{ range .Alerts }}{{ $l = append $l .Fingerprint }}{{ end }}{{ join "," (stringSlice "a" "b") }}{{ end }}',
  '{{ define "t.trim" -}}\n  {{ trimSpace .CommonAnnotations.description | title }} {{ reReplaceAll "-" "_" .Receiver }} {{ now }}\n{{- end }}',
];

function shippedTemplate(): string {
  return synthStack(testStackConfig('docker'), [], { environment: 'dev' }).files[
    'alertmanager/templates/promstack.tmpl'
  ];
}

function corpus(): string[] {
  const random = seededRandom(SEED);
  const seeds = [shippedTemplate(), ...NOTIFICATION_STYLE];
  const mutants = Object.values(MUTANTS).flatMap((mutate) => [mutate, mutate]); // two variants of each
  return seeds.flatMap((seed) => [seed, ...mutants.map((mutate) => mutate(seed, random))]);
}

/** amtool prints one block per config on stdout, `Checking '<file>'` ... ending in SUCCESS or FAILED: <why>. */
function amtoolVerdicts(configs: readonly string[], stdout: string): (string | null)[] {
  const blocks = stdout.split(/^Checking '/m).slice(1);
  expect(blocks.map((block) => block.slice(0, block.indexOf("'")))).toEqual(configs);
  return blocks.map((block) => {
    const failed = /^ {2}FAILED: (.*)$/m.exec(block);
    expect(failed !== null || /^ {2}SUCCESS$/m.test(block)).toBe(true);
    return failed ? failed[1] : null;
  });
}

describe('Go template checker against amtool', () => {
  let dir: string;
  beforeAll(() => {
    findTool('amtool'); // a missing amtool fails this test; it never skips
    dir = mkdtempSync(join(tmpdir(), 'promstack-am-template-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives amtool 0.33 verdict on every template file of the seeded corpus', async () => {
    const templates = corpus();
    const configs = templates.map((template, i) => {
      mkdirSync(join(dir, `c${i}`));
      writeFileSync(join(dir, `c${i}`, TEMPLATE_FILE), template);
      const config = `route:\n  receiver: r\nreceivers:\n  - name: r\ntemplates: ['${TEMPLATE_FILE}']\n`;
      writeFileSync(join(dir, `c${i}`, 'alertmanager.yml'), config);
      return `c${i}/alertmanager.yml`;
    });
    const run = await runTool('amtool', ['check-config', ...configs], { cwd: dir, timeoutMs: 120_000 });
    const verdicts = amtoolVerdicts(configs, run.stdout);

    const disagreements = templates.flatMap((text, i) => {
      const [problem] = checkGoTemplate(text, ALERTMANAGER_TEMPLATE, { name: TEMPLATE_FILE });
      if ((verdicts[i] === null) === (problem === undefined)) return [];
      return [{ text, amtool: verdicts[i], checker: problem?.message ?? 'accepted' }];
    });
    const refused = verdicts.filter((verdict) => verdict !== null).length;
    console.log(
      `Go template checker vs amtool: ${templates.length - disagreements.length}/${templates.length} ` +
        `template files agree (amtool refused ${refused}, accepted ${templates.length - refused})`,
    );
    expect(disagreements).toEqual([]);
    expect(verdicts[0]).toBeNull(); // the shipped promstack.tmpl
    expect(refused).toBeGreaterThan(templates.length / 4);
    expect(templates.length - refused).toBeGreaterThan(templates.length / 8);
  });
});
