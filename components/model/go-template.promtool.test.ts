/**
 * Differential test: for every template of a seeded corpus, the checker's accept/reject verdict must be
 * the one of the real promtool (`promtool check rules` parses each annotation and label value of an
 * alerting rule as a template). The corpus is the repository's own alert annotations and labels,
 * templates in the style of Prometheus's documented examples, and seeded mutants of each.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { services } from '../../infra/services';
import { synthStack } from '../stack/synth';
import { testStackConfig } from '../stack/testing';
import { findTool, runTool } from '../tools/binaries';
import { checkGoTemplate, PROMETHEUS_ALERT_TEMPLATE } from './go-template';
import { MUTANTS, seededRandom } from './go-template-mutants';

const SEED = 0x60_7e3b1a;
const VARIANTS_PER_MUTANT = 2;

/** Templates in the style of Prometheus's template documentation (template_examples.md, template_reference.md). */
const DOCUMENTED_STYLE = [
  'Instance {{$labels.instance}} down',
  '{{$labels.instance}} of job {{$labels.job}} has been down for more than 5 minutes.',
  '{{ range query "up" }}\n  {{ .Labels.instance }} {{ .Value }}\n{{ end }}',
  '{{ with query "some_metric{instance=\'someinstance\'}" }}\n  {{ . | first | value | humanize }}\n{{ end }}',
  "{{ with printf \"node_memory_MemTotal{job='node',instance='%s'}\" $labels.instance | query }}{{ . | first | value | humanize1024 }}B{{ end }}",
  '{{ range printf "node_network_receive_bytes{instance=\'%s\'}" $labels.instance | query | sortByLabel "device" }}{{ .Labels.device }}{{ end }}',
  '{{/* Define the template */}}\n{{define "myTemplate"}}\n  do something\n{{end}}\n\n{{/* Use the template */}}\n{{template "myTemplate"}}',
  '{{define "myMultiArgTemplate"}}\n  First argument: {{.arg0}}\n  Second argument: {{.arg1}}\n{{end}}\n{{template "myMultiArgTemplate" (args 1 2)}}',
  '{{ $value | humanizeDuration }} since {{ $value | humanizeTimestamp }}',
  '{{ $value | humanizePercentage }} of {{ $externalLabels.cluster }} at {{ externalURL }}{{ pathPrefix }}',
  '{{ if gt $value 0.9 }}critical{{ else if gt $value 0.5 }}warning{{ else }}info{{ end }}',
  '{{ reReplaceAll "(.*):.*" "$1" $labels.instance }} {{ $labels.job | toUpper }} {{ title "a b" }}',
  '{{ graphLink "up" }} {{ tableLink "up" }} {{ "<b>" | safeHtml }} {{ match "a.*" "abc" }}',
  '{{ range $k, $v := $labels }}{{ $k }}={{ $v }} {{ end }}',
  '{{- with $labels.team -}} team {{ . }} {{- end -}}',
  '{{ (query "up" | first).Labels.job }} {{ label "job" (query "up" | first) }} {{ strvalue (query "up" | first) }}',
  '{{ toTime $value }} {{ parseDuration "1h" }} {{ stripPort $labels.instance }} {{ stripDomain $labels.instance }}',
  '{{ printf "%.2f%%" (humanizePercentage $value) }} {{ len $labels }} {{ index $labels "job" }}',
];

/** Corners of Go's lexer and of strconv, checked as they are (not mutated). */
const EDGE_CASES = [
  ...[
    '+-2',
    '0x123.',
    '1e.',
    '0xi.',
    '1+2.',
    '0x_1p4',
    '0X_1P4',
    '0x_1p-4',
    '073i',
    '-1.2+0i',
    '-0x0',
    '0xef',
  ],
  ...[
    '1e1_9',
    '0x1p2000',
    '1e-400',
    '9223372036854775808',
    '-9223372036854775809',
    '1e19',
    '0b',
    '0o',
    '0o8',
  ],
  ...['0_1', '0x1_', '1_', '.5e3', '5.', '1.e5', '0x1.p4', '0x.8p1', '0x1P+4', '1i', '0.1.E', '1e+', '0x1p'],
  ...['+i+2i', '1+0x1p4i', '1_0+2i', '1+2', '1-2i', '-0', '.1', '+.1', '00', '08.5', '0b1.1', '0o7.1', '1E5'],
  ...[
    '0x1p4+2i',
    '1e3+1e3i',
    '0o7+2i',
    '1+0b1i',
    '.5+.5i',
    '1e+2i',
    '1__0+2i',
    '1+2_i',
    '0x+2i',
    '1+0x1.8p1i',
  ],
  ...["'x", "'\\xFF'", "'\\U000030d1'", "'\\U00110000'", "'\\777'", "'\\08'", "'😀'", "'é'", "'\\\"'"],
]
  .map((literal) => `{{ printf "%v" ${literal} }}`)
  .concat([
    '{{-}}',
    '{{- -}}',
    '{{ - }}',
    '{{-3}}',
    '{{ 3 -}}x',
    '{{ 3 - }}',
    '{{\t$value\t}}',
    '{{\r\n$value\r\n}}',
    '{{ $value\n| humanize }}',
    '{{ $ünï := 1 }}{{ $ünï }}',
    '{{ $labels.ünï }} {{ .Labels.ü }}',
    '{{ "😀" }} 😀 {{ `😀` }}',
    '{{ 😀 }}',
    '{{ .Labels.😀 }}',
    '{{ $labels.a-b }}',
    '{{ $value | printf "%s" | len }}',
    '{{ (1) }} {{ ((1)) | printf "%v" }} {{ "a" "b" }}',
    '{{ $value.x.y }} {{ (index $labels "a").b.c }}',
    '{{ $x := 1 }}{{ if 1 }}{{ $y := 2 }}{{ end }}{{ $y }}',
    '{{ with $x := 1 }}{{ else }}{{ $x }}{{ end }}',
    '{{ range $i := $labels }}{{ $i }}{{ end }}{{ $i }}',
    '{{ range $i, $v = $labels }}{{ end }}',
    '{{ range $i, := $labels }}{{ end }}',
    '{{ range $i, }}{{ end }}',
    '{{ range $i, $v := $labels }}{{ range $labels }}{{ break }}{{ end }}{{ end }}',
    '{{ range $labels }}{{ with 1 }}{{ continue }}{{ end }}{{ end }}',
    '{{ define "a" }}{{ range $labels }}{{ end }}{{ end }}',
    '{{ define "a" }}{{ $ }}{{ end }}',
    '{{ define "a" }} {{ end }}{{ define "a" }}x{{ end }}',
    '{{ define "a" }}x{{ end }}{{ define "a" }} {{ end }}',
    '{{ define `a` }}x{{ end }}{{ template `a` 1 }}',
    '{{ define "a\\q" }}x{{ end }}',
    '{{ define "a" }}x{{ else }}y{{ end }}',
    '{{ block "a" 1 }}x{{ else }}{{ end }}',
    '{{ template "a" | printf }}',
    '{{ template }}',
    '{{ if 1 }}x{{ end }}{{ end }}',
    '{{ if 1 }}{{ else if }}{{ end }}',
    '{{ with }}{{ end }}',
    '{{ range }}{{ end }}',
    '{{ true.x }}',
    '{{ true }} {{ false }} {{ nil | printf }}',
    '{{ printf "%v" nil }}',
    '{{ call }}',
    '{{ $value := 2 }}{{ $value }}',
    '{{ .Value }}{{ .Nope.Deeper }}',
    '{{ $externalLabels.x }}{{ $externalURL }}',
    '{{ else }}',
    '{{/**/}}',
    '{{/* */ }}',
    '{{ /**/}}',
    'text }} more {{ $value }} }}',
    '{{{{ $value }}',
  ]);

/** The repository's own alert annotations and labels, as synth renders them for the Docker test stack. */
function repositoryTemplates(): string[] {
  const result = synthStack(testStackConfig('docker'), services, { environment: 'dev' });
  const texts = new Set<string>();
  for (const [path, text] of Object.entries(result.files)) {
    if (!path.startsWith('prometheus/rules/')) continue;
    const file = parseYaml(text) as { groups: { rules: Record<string, Record<string, string>>[] }[] };
    for (const rule of file.groups.flatMap((group) => group.rules)) {
      if (!('alert' in rule)) continue;
      for (const value of [...Object.values(rule.annotations ?? {}), ...Object.values(rule.labels ?? {})])
        texts.add(value);
    }
  }
  return [...texts];
}

interface Case {
  id: string;
  kind: string;
  text: string;
}

function corpus(): Case[] {
  const random = seededRandom(SEED);
  const seeds = [...repositoryTemplates(), ...DOCUMENTED_STYLE];
  const cases: Case[] = EDGE_CASES.map((text, i) => ({ id: `e${i}`, kind: 'edge', text }));
  for (const seed of seeds) {
    cases.push({ id: `t${cases.length}`, kind: 'seed', text: seed });
    for (const [kind, mutate] of Object.entries(MUTANTS)) {
      for (let variant = 0; variant < VARIANTS_PER_MUTANT; variant += 1)
        cases.push({ id: `t${cases.length}`, kind, text: mutate(seed, random) });
    }
  }
  return cases;
}

/** One alerting rule per file, its alert named after the case; even cases in an annotation, odd in a label. */
function ruleFile(testCase: Case, index: number): string {
  const field =
    index % 2 === 0 ? { annotations: { summary: testCase.text } } : { labels: { note: testCase.text } };
  const data = { groups: [{ name: 'g', rules: [{ alert: testCase.id, expr: 'up == 0', ...field }] }] };
  const text = stringifyYaml(data);
  // The template must reach promtool byte for byte, or the comparison means nothing.
  expect(parseYaml(text)).toEqual(data);
  return text;
}

/**
 * Per-file verdicts of one `promtool check rules` run: stdout has `Checking <file>` for each file in
 * order, followed by `  SUCCESS: ...` when it passed; stderr has `<file>: <error>` lines for the others.
 */
function promtoolVerdicts(
  files: readonly string[],
  stdout: string,
  stderr: string,
): Map<string, string | null> {
  const verdicts = new Map<string, string | null>();
  let current: string | undefined;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('Checking ')) {
      current = line.slice('Checking '.length);
      verdicts.set(current, 'refused');
    } else if (line.startsWith('  SUCCESS:') && current !== undefined) verdicts.set(current, null);
  }
  for (const line of stderr.split('\n')) {
    const file = line.slice(0, line.indexOf(': '));
    if (verdicts.get(file) === 'refused') verdicts.set(file, line.slice(file.length + 2));
  }
  expect([...verdicts.keys()]).toEqual(files);
  const refused = [...verdicts.values()].filter((verdict) => verdict !== null).length;
  expect(stderr.match(/^ {2}FAILED:$/gm)?.length ?? 0).toBe(refused);
  return verdicts;
}

describe('Go template checker against promtool', () => {
  let dir: string;
  beforeAll(() => {
    findTool('promtool'); // a missing promtool fails this test; it never skips
    dir = mkdtempSync(join(tmpdir(), 'promstack-go-template-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives promtool 3.5 verdict on every template of the seeded corpus', async () => {
    const cases = corpus();
    expect(cases.length).toBeGreaterThanOrEqual(300);
    const files = cases.map((testCase, index) => {
      const file = `${testCase.id}.yml`;
      writeFileSync(join(dir, file), ruleFile(testCase, index));
      return file;
    });
    const [run, version] = await Promise.all([
      runTool('promtool', ['check', 'rules', ...files], { cwd: dir, timeoutMs: 120_000 }),
      runTool('promtool', ['--version']),
    ]);
    const verdicts = promtoolVerdicts(files, run.stdout, run.stderr);

    const disagreements = cases.flatMap((testCase, index) => {
      const promtool = verdicts.get(files[index]) ?? null;
      const [problem] = checkGoTemplate(testCase.text, PROMETHEUS_ALERT_TEMPLATE, {
        name: `__alert_${testCase.id}`,
      });
      if ((promtool === null) === (problem === undefined)) return [];
      return [{ ...testCase, promtool, checker: problem?.message ?? 'accepted' }];
    });
    const refused = [...verdicts.values()].filter((verdict) => verdict !== null).length;
    console.log(
      `Go template checker vs ${version.stdout.split('\n')[0]}: ${cases.length - disagreements.length}/${cases.length} ` +
        `verdicts agree (promtool refused ${refused}, accepted ${cases.length - refused})`,
    );
    expect(disagreements).toEqual([]);
    // A corpus that is nearly all valid or all broken would prove little either way.
    expect(refused).toBeGreaterThan(cases.length / 4);
    expect(cases.length - refused).toBeGreaterThan(cases.length / 4);
  });
});
