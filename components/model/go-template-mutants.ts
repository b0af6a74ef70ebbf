/**
 * Seeded mutants of Go templates for the promtool differential test (go-template.promtool.test.ts):
 * each kind plants a mistake people make (or a legal oddity) into a valid template. Deterministic:
 * the same seed gives the same texts on every machine.
 */

/** mulberry32: small, fast, and the same sequence everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
type Mutant = (text: string, random: Random) => string;

function pick<T>(items: readonly T[], random: Random): T {
  return items[Math.floor(random() * items.length)];
}

/** Where the actions of a (valid) template are: `{{` to the first `}}` after it. */
function actionSpans(text: string): { start: number; end: number }[] {
  return [...text.matchAll(/\{\{[\s\S]*?\}\}/g)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

/** Inserts at a random point outside the actions (or at an end when there is no text). */
function insertOutside(text: string, insert: string, random: Random): string {
  const points = [0, text.length, ...actionSpans(text).flatMap((span) => [span.start, span.end])];
  const at = pick(points, random);
  return text.slice(0, at) + insert + text.slice(at);
}

/** Inserts just inside a random action, before its closing `}}`, or appends a new action. */
function insertInside(text: string, insert: string, random: Random): string {
  const spans = actionSpans(text);
  if (spans.length === 0) return `${text}{{ $value${insert} }}`;
  const span = pick(spans, random);
  const at = span.end - 2 - (text[span.end - 3] === ' ' ? 1 : 0);
  return text.slice(0, at) + insert + text.slice(at);
}

/** Replaces one random match of `pattern` (global) with `replacement`, or falls back. */
function replaceOne(
  text: string,
  pattern: RegExp,
  replacement: string,
  random: Random,
  fallback: Mutant,
): string {
  const matches = [...text.matchAll(pattern)];
  if (matches.length === 0) return fallback(text, random);
  const match = pick(matches, random);
  return text.slice(0, match.index) + replacement + text.slice(match.index + match[0].length);
}

const UNKNOWN_OR_OTHER_ENGINE_FUNCTIONS = [
  'humanise',
  'humanizePercent',
  'Humanize',
  'toDuration',
  'now',
  'trimSpace',
  'date',
  'toJson',
  'urlQueryEscape',
  'join',
  'title',
  'toUpper',
  'len',
  'printf',
  'query',
  'stripPort',
];
const VARIABLES = [
  '$label',
  '$labels',
  '$Labels',
  '$foo',
  '$values',
  '$value',
  '$externalLabels',
  '$externalURL',
  '$',
  '$x',
];
const STRINGS = [
  '"unterminated',
  '"bad \\q escape"',
  '"fine \\t \\u00e9 \\x41 \\101"',
  '"\\400"',
  '"\\ud800"',
  '`raw unterminated',
  '`raw \\q fine`',
  "'a'",
  "'ab'",
  "''",
  "'\\''",
  "'\\\"'",
  '"\\\'"',
  '"multi\nline"',
];
const NUMBERS = [
  '089',
  '1__0',
  '0x',
  '1e400',
  '0x1p4',
  '1_000',
  '0b12',
  '.5',
  '1.2.3',
  '-0',
  '+-2',
  '1e',
  '0x1.8p1',
  '2i',
  '1+2i',
  '0b1+2i',
  '073',
  '1e1_9',
  '18446744073709551616',
  '-9223372036854775808',
];
const KEYWORD_SNIPPETS = [
  '{{ break }}',
  '{{ continue }}',
  '{{ range $labels }}{{ break }}{{ end }}',
  '{{ range $labels }}{{ else }}{{ break }}{{ end }}',
  '{{ with $x := 1 }}{{ end }}{{ $x }}',
  '{{ range $i, $v := $labels }}{{ $i }}{{ $v }}{{ end }}',
  '{{ range $i, $v, $w := $labels }}{{ end }}',
  '{{ range $i, 1 }}{{ end }}',
  '{{ with $i, $v := $labels }}{{ end }}',
  '{{ define "x" }}{{ end }}',
  '{{ define "x" }}{{ $labels }}{{ end }}',
  '{{ define "x" }}a{{ end }}{{ define "x" }}b{{ end }}',
  '{{ template "x" }}',
  '{{ template .X }}',
  '{{ block "b" . }}{{ end }}',
  '{{ block "b" }}{{ end }}',
  '{{ if 1 }}{{ else with 2 }}{{ end }}',
  '{{ with 1 }}{{ else with 2 }}{{ end }}',
  '{{ if 1 }}{{ else if 2 }}{{ else }}{{ end }}',
  '{{ if 1 }}{{ else }}{{ else }}{{ end }}',
  '{{ nil }}',
  '{{ . }}',
  '{{ $ }}',
  '{{ if }}{{ end }}',
  '{{ end x }}',
  '{{ define }}',
];
const COMMENTS = [
  '{{/* c */}}',
  '{{- /* c */ -}}',
  '{{ /* c */ }}',
  '{{/* c }}',
  '{{/* c */ x}}',
  '{{-/* c */}}',
  '{{/* c */-}}',
];
const STRAY_CHARS = [
  '#',
  '@',
  '=',
  ':',
  ',',
  ';',
  '!',
  '%',
  '&',
  '*',
  '[',
  ']',
  '{',
  '}',
  '~',
  '^',
  '?',
  'é',
  '€',
  '\\',
];
const DECLARATIONS = [
  '{{ $x := $value }}{{ $x }}',
  '{{ $x = 1 }}',
  '{{ $x := }}',
  '{{ $x:=1 }}{{ $x }}',
  '{{ $x=1 }}',
  '{{ $x := 1 }}{{ $x = 2 }}{{ $x }}',
  '{{ ($x := 1) }}{{ $x }}',
  '{{ $a, $b := 1 }}',
  '{{ $x.y := 1 }}',
];
const FIELD_ACCESS = [
  '{{ "a".b }}',
  '{{ 1.x }}',
  '{{ (1).x }}',
  '{{ $value.x }}',
  '{{ ..x }}',
  '{{ nil.x }}',
  '{{ (index $labels "a").b }}',
  '{{ .Labels.a.b }}',
];
const PIPE_STAGES = [
  '{{ $value | 1 }}',
  '{{ . | "x" }}',
  '{{ 1 | printf "%v" }}',
  '{{ $value | . }}',
  '{{ $value | nil }}',
  '{{ $value | $labels }}',
];

export const MUTANTS: Readonly<Record<string, Mutant>> = {
  'drop-paren': (text, random) => replaceOne(text, /[()]/g, '', random, (t, r) => insertInside(t, ' (', r)),
  'extra-paren': (text, random) =>
    insertInside(text, pick([' (', ' )', ' ( )', ' ($value', ' (len $labels))'], random), random),
  'stray-end': (text, random) =>
    insertOutside(text, pick(['{{ end }}', '{{end}}', '{{- end -}}'], random), random),
  'stray-else': (text, random) =>
    insertOutside(text, pick(['{{ else }}', '{{ else if 1 }}', '{{ else with 1 }}'], random), random),
  'unclosed-action': (text, random) =>
    replaceOne(text, /\}\}/g, pick(['', '}', ' '], random), random, (t) => `${t}{{ $value `),
  'unknown-function': (text, random) => {
    const name = pick(UNKNOWN_OR_OTHER_ENGINE_FUNCTIONS, random);
    return replaceOne(
      text,
      /\b(humanize\w*|printf|title|toUpper|first|value|query|len|index)\b/g,
      name,
      random,
      (t, r) => insertOutside(t, `{{ $value | ${name} }}`, r),
    );
  },
  'undefined-variable': (text, random) => {
    const variable = pick(VARIABLES, random);
    return replaceOne(text, /\$\w*/g, variable, random, (t, r) => insertOutside(t, `{{ ${variable} }}`, r));
  },
  'bad-string': (text, random) => insertOutside(text, `{{ printf ${pick(STRINGS, random)} }}`, random),
  'misplaced-pipe': (text, random) =>
    pick<Mutant>(
      [
        (t, r) => insertInside(t, ' |', r),
        (t, r) => insertInside(t, ' | |', r),
        (t, r) => replaceOne(t, /\{\{ ?/g, '{{ | ', r, (u) => `{{ | ${u} }}`),
        (t, r) => replaceOne(t, /\|/g, '||', r, (u, r2) => insertInside(u, ' || humanize', r2)),
      ],
      random,
    )(text, random),
  'trim-marker': (text, random) =>
    pick<Mutant>(
      [
        (t, r) => replaceOne(t, /\{\{ /g, '{{- ', r, (u) => `${u}{{- $value }}`),
        (t, r) => replaceOne(t, /\{\{ /g, '{{-', r, (u) => `${u}{{-$value }}`),
        (t, r) => replaceOne(t, / \}\}/g, ' -}}', r, (u) => `${u}{{ $value -}}`),
        (t, r) => replaceOne(t, / \}\}/g, '-}}', r, (u) => `${u}{{ $value-}}`),
        (t, r) => insertOutside(t, pick(['{{-3}}', '{{- 3 -}}', '{{ -3 }}', '{{-\n$value\n-}}'], r), r),
      ],
      random,
    )(text, random),
  number: (text, random) => insertOutside(text, `{{ printf "%v" ${pick(NUMBERS, random)} }}`, random),
  keyword: (text, random) => insertOutside(text, pick(KEYWORD_SNIPPETS, random), random),
  comment: (text, random) => insertOutside(text, pick(COMMENTS, random), random),
  'stray-char': (text, random) => insertInside(text, ` ${pick(STRAY_CHARS, random)}`, random),
  declaration: (text, random) => insertOutside(text, pick(DECLARATIONS, random), random),
  'field-access': (text, random) => insertOutside(text, pick(FIELD_ACCESS, random), random),
  'pipeline-stage': (text, random) => insertOutside(text, pick(PIPE_STAGES, random), random),
  'broken-delimiter': (text, random) =>
    pick<Mutant>(
      [
        (t, r) => replaceOne(t, /\{\{/g, '{', r, (u) => `${u}{ $value }}`),
        (t, r) => replaceOne(t, /\{\{/g, '{{{', r, (u) => `${u}{{{ $value }}`),
        (t, r) => replaceOne(t, /\}\}/g, '}}}', r, (u) => `${u}{{ $value }}}`),
        (t, r) => insertOutside(t, '{{', r),
        (t, r) => insertOutside(t, '}}', r),
      ],
      random,
    )(text, random),
};
