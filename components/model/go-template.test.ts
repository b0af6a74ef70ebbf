import {
  ALERTMANAGER_TEMPLATE,
  checkGoTemplate,
  describeTemplateProblem,
  PROMETHEUS_ALERT_TEMPLATE,
  templateShape,
  type GoTemplateDialect,
} from './go-template';
import { parseGoTemplate } from './go-template-parser';
import { synthStack } from '../stack/synth';
import { testStackConfig } from '../stack/testing';

function verdict(text: string, dialect: GoTemplateDialect = PROMETHEUS_ALERT_TEMPLATE, name?: string) {
  const [problem] = checkGoTemplate(text, dialect, { name });
  return problem ? describeTemplateProblem(problem, text) : 'ok';
}

describe('Go templates Prometheus parses', () => {
  it.each([
    'plain text, no action',
    '{{ $labels.instance }} of job {{ $labels.job }} is down',
    '{{$labels.instance}} answers {{ $value | humanizePercentage }} of requests with errors',
    '{{ printf "%.2f" $value }}s',
    '{{ $value | humanize1024 }}B of memory',
    '{{ $externalLabels.cluster }} {{ $externalURL }} {{ .Labels.job }} {{ .Value }} {{ $ }}',
    '{{ with query "up" }}{{ . | first | value | humanize }}{{ end }}',
    '{{ range query "up" }}{{ .Labels.instance }} {{ .Value }}{{ end }}',
    '{{ range printf "x{i=%q}" $labels.instance | query | sortByLabel "device" }}{{ .Labels.device }}{{ end }}',
    '{{ define "t" }}x{{ end }}{{ template "t" }}{{ template "t" (args 1 2) }}',
    '{{ block "b" . }}{{ .arg0 }}{{ end }}',
    '{{ if gt $value 1.0 }}high{{ else if lt $value 0.5 }}low{{ else }}mid{{ end }}',
    '{{ with $labels.team }}{{ . }}{{ else with $labels.owner }}{{ . }}{{ else }}none{{ end }}',
    '{{ range $i, $v := $labels }}{{ $i }}={{ $v }}{{ if eq $i "x" }}{{ break }}{{ end }}{{ continue }}{{ end }}',
    '{{ $x := 1 }}{{ $x = 2 }}{{ $x }}',
    '{{ ($x := 1) }}{{ $x }}',
    '{{/* a comment */}}{{- /* trimmed */ -}} {{- $value -}}',
    '{{ (index $labels "job").x }} {{ $labels.a.b }} {{ (printf "%s" "a") | len }}',
    '{{ 1 }} {{ -2.5e3 }} {{ 0x1F }} {{ 0o17 }} {{ 0b101 }} {{ 1_000 }} {{ 0x1p-2 }} {{ 2i }} {{ 1+2i }}',
    "{{ 'a' }} {{ '\\n' }} {{ '\\u00e9' }} {{ \"a\\tb\\x41\\101\" }} {{ `raw \\ string` }}",
    '{{ $value | }}',
    '{{ nil }}',
    '{{ $undeclared = 1 }}',
    '{{\n$value\n|\nhumanize\n}}',
    '{{ toTime $value }} {{ parseDuration "1m" }} {{ stripPort "a:1" }} {{ stripDomain "a.b" }} {{ pathPrefix }}',
  ])('accepts %j', (text) => {
    expect(verdict(text)).toBe('ok');
  });

  it.each([
    ['{{ $value ( }}', 'unclosed left paren at col 13'],
    ['{{ $value ) }}', 'unexpected right paren at col 11'],
    ['{{ end }}', 'unexpected {{end}} at col 4'],
    ['{{ else }}', 'unexpected {{else}} at col 9'],
    ['{{ humanise $value }}', 'function "humanise" not defined at col 4'],
    ['{{ $value | toDuration }}', 'function "toDuration" not defined at col 13'],
    ['{{ now }}', 'function "now" not defined at col 4'],
    ['{{ $foo }}', 'undefined variable "$foo" at col 4'],
    ['{{ $labels.job ', 'unclosed action at col 16'],
    ['{{ $labels.job }', 'unexpected "}" in operand at col 16'],
    ['{{ if $value }}high', 'unexpected EOF: {{if}} has no {{end}} at col 4'],
    ['{{ range $labels }}{{ else }}{{ else }}{{ end }}', 'expected end; found {{else}} at col 38'],
    ['{{ if 1 }}{{ else with 2 }}{{ end }}', 'unexpected <with> in input at col 19'],
    ['{{ break }}', '{{break}} outside {{range}} at col 10'],
    ['{{ range . }}{{ else }}{{ continue }}{{ end }}', '{{continue}} outside {{range}} at col 36'],
    ['{{ with $a, $b := 1 }}{{ end }}', 'too many declarations in with at col 11'],
    ['{{ range $a, $b, $c := 1 }}{{ end }}', 'too many declarations in range at col 16'],
    ['{{ range $a, 1 }}{{ end }}', 'range can only initialize variables at col 14'],
    ['{{}}', 'missing value for command at col 3'],
    ['{{ printf "%d" ( ) }}', 'missing value for parenthesized pipeline at col 18'],
    ['{{ printf | "a" }}', 'non executable command in pipeline stage 2 at col 17'],
    ['{{ | humanize }}', 'unexpected "|" in command at col 4'],
    ['{{ printf 3, 4 }}', 'unexpected "," in operand at col 12'],
    ['{{ "hello".x }}', 'unexpected . after term "\\"hello\\"" at col 13'],
    ['{{ $x=1 }}', "bad character U+003D '=' at col 4"],
    ['{{ $x := }}', 'missing value for command at col 10'],
    ['{{ "abc }}', 'unterminated quoted string at col 4'],
    ['{{ `abc }}', 'unterminated raw quoted string at col 4'],
    ['{{ "a\\q" }}', 'invalid syntax (unknown escape \\q in "a\\q") at col 4'],
    ['{{ "\\400" }}', 'invalid syntax (octal escape \\400 is above \\377 in "\\400") at col 4'],
    ["{{ '' }}", 'invalid syntax (an empty character constant) at col 4'],
    ["{{ 'ab' }}", "malformed character constant: 'ab' at col 4"],
    ['{{ 089 }}', 'integer overflow: "089" at col 4'],
    ['{{ 1e400 }}', 'illegal number syntax: "1e400" at col 4'],
    ['{{ 1__0 }}', 'illegal number syntax: "1__0" at col 4'],
    ['{{ 0x1.8 }}', 'illegal number syntax: "0x1.8" at col 4'],
    ['{{ 12abc }}', 'bad number syntax: "12a" at col 4'],
    ['{{ 0b1+2i }}', 'syntax error scanning complex number at col 4'],
    ['{{ /* no */ }}', 'unexpected "/" in command at col 4'],
    ['{{/* open }}', 'unclosed comment at col 3'],
    ['{{/* c */ x }}', 'comment ends before closing delimiter at col 3'],
    ['{{ $value # }}', 'unexpected "#" in operand at col 11'],
    ['{{ $value € }}', "unrecognized character in action: U+20AC '€' at col 11"],
    ['{{ define "t" }}{{ $labels }}{{ end }}', 'undefined variable "$labels" at col 20'],
    ['{{ define "t" }}a{{ end }}{{ define "t" }}b{{ end }}', 'multiple definition of template "t" at col 27'],
    ['{{ template .X }}', 'unexpected ".X" in template clause at col 13'],
    ['{{ block "b" }}x{{ end }}', 'missing value for block clause at col 14'],
    ['line one\nline two {{ $value ( }}', 'unclosed left paren at line 2 col 22'],
  ])('refuses %j: %s', (text, message) => {
    expect(verdict(text)).toBe(message);
  });

  it('refuses a {{define}} that takes the name of the alert template itself', () => {
    const text = '{{ define "__alert_HighLatency" }}x{{ end }}';
    expect(verdict(text, PROMETHEUS_ALERT_TEMPLATE, '__alert_HighLatency')).toBe(
      'multiple definition of template "__alert_HighLatency" at col 1',
    );
    expect(verdict(text, PROMETHEUS_ALERT_TEMPLATE)).toBe('ok');
  });
});

describe('Go templates Alertmanager parses', () => {
  it('accepts the shipped promstack.tmpl', () => {
    const result = synthStack(testStackConfig('docker'), [], { environment: 'dev' });
    const template = result.files['alertmanager/templates/promstack.tmpl'];
    expect(template).toContain('{{ define "promstack.title" -}}');
    expect(checkGoTemplate(template, ALERTMANAGER_TEMPLATE, { name: 'promstack.tmpl' })).toEqual([]);
  });

  it.each([
    '{{ .Status | toUpper }} {{ .CommonLabels.alertname | title }} {{ .ExternalURL | safeUrl }}',
    '{{ range .Alerts }}{{ .StartsAt | date "2006-01-02" }} {{ .StartsAt | tz "UTC" | since | humanizeDuration }}{{ end }}',
    '{{ $names := stringSlice "a" "b" }}{{ join ", " $names }} {{ trimSpace " x " }} {{ now }}',
    '{{ toJson (dict "k" (list 1 2 | append (list 3))) }} {{ urlUnescape "a%20b" }} {{ reReplaceAll "a" "b" "c" }}',
  ])('accepts %j', (text) => {
    expect(verdict(text, ALERTMANAGER_TEMPLATE)).toBe('ok');
  });

  it.each([
    ['{{ $value | humanize }}', 'undefined variable "$value" at col 4'],
    ['{{ .Value | humanize }}', 'function "humanize" not defined at col 13'],
    ['{{ query "up" }}', 'function "query" not defined at col 4'],
    ['{{ define "x" }}{{ range .Alerts }}', 'unexpected EOF: {{range}} has no {{end}} at col 20'],
  ])('refuses %j: %s', (text, message) => {
    expect(verdict(text, ALERTMANAGER_TEMPLATE)).toBe(message);
  });
});

describe('text without a left delimiter', () => {
  // checkGoTemplate takes such text without parsing it: the parser must take it too, after each prelude.
  const texts = [
    '',
    'critical',
    '}}',
    'a }} b',
    '{',
    '{ {',
    '} {',
    'x{',
    '{-',
    '-}}',
    '/* c */',
    'ünï\n{\n}',
    '$labels.job',
  ];
  it.each(texts)('%j parses in every dialect, as checkGoTemplate says', (text) => {
    for (const dialect of [PROMETHEUS_ALERT_TEMPLATE, ALERTMANAGER_TEMPLATE]) {
      expect(() => parseGoTemplate(dialect.prelude + text, undefined, dialect.functions)).not.toThrow();
      expect(() =>
        parseGoTemplate(dialect.prelude + text, 'promstack.tmpl', dialect.functions),
      ).not.toThrow();
      expect(checkGoTemplate(text, dialect)).toEqual([]);
    }
  });

  it('is still checked once a delimiter appears', () => {
    expect(verdict('a {{ b')).not.toBe('ok');
    expect(verdict('}}{{')).not.toBe('ok');
  });
});

describe('texts of one shape', () => {
  // checkGoTemplate parses one text of a shape and takes the others as valid: the parser must agree.
  const same = [
    ['{{ $labels.job }} of svc-1 is down', '{{ $labels.job }} of another service is {down} }}'],
    ['a {{- .X -}} b', '}}{{- .X -}}{'],
    ['{{ if .X }} {{ else }}x{{ end }}', '{{ if .X }}\n\t{{ else }}}}{{ end }}'],
    ['{{ .X }}', '{{ .X }}'],
    ['x {{ .X }}}', 'y {{ .X }}} z'],
    [
      '{{ define "t" }} {{ end }}{{ define "t" }}x{{ end }}',
      '{{ define "t" }}\n{{ end }}{{ define "t" }}"{{ end }}',
    ],
    ['svc-1 p99 is {{ printf "%.2f}}" $value }}s', 'svc-2: {{ printf "%.2f}}" $value }} s'],
  ];
  it.each(same)('%j and %j share a shape and a verdict', (a, b) => {
    expect(templateShape(a)).toBe(templateShape(b));
    for (const dialect of [PROMETHEUS_ALERT_TEMPLATE, ALERTMANAGER_TEMPLATE]) {
      const parses = (text: string) => {
        try {
          parseGoTemplate(dialect.prelude + text, undefined, dialect.functions);
          return true;
        } catch {
          return false;
        }
      };
      expect(parses(a)).toBe(parses(b));
    }
  });

  it('tells blank text between actions from other text, and errors apart', () => {
    expect(templateShape('{{ .X }} {{ .Y }}')).not.toBe(templateShape('{{ .X }}x{{ .Y }}'));
    expect(templateShape('{{ .X }}{{ .Y }}')).not.toBe(templateShape('{{ .X }} {{ .Y }}'));
    expect(verdict('{{ $labels.instance }} of a is down')).toBe('ok');
    expect(verdict('{{ $labels.instance }} of b is down {{')).toBe('unclosed action at col 39');
    expect(verdict('{{ $labels.instance }} of c is down {{ .X')).toBe('unclosed action at col 42');
  });

  it('reads strings in actions as Go does, and is not taken with a comment or a string left open', () => {
    expect(templateShape(`a{{ "}}" }}b{{ '}' }}c{{ \`}}\` }}d{{ "\\"}}" }}`)).toBe(
      `x{{ "}}" }}x{{ '}' }}x{{ \`}}\` }}x{{ "\\"}}" }}`,
    );
    expect(templateShape('it\'s "{{ printf "%.2f" $value }}"')).toBe('x{{ printf "%.2f" $value }}x');
    for (const text of ['{{ "}} }}', '{{ "a\n" }}', "{{ '} }}", '{{ `}} }}', '{{/* }} */}}', '{{ "\\'])
      expect(templateShape(text)).toBeUndefined();
  });
});
