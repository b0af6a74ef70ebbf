import * as yamlModule from './yaml';
import { renderYaml, renderYamlWithLibrary } from './yaml';
import { synthStack } from '../stack/synth';
import { TEST_STACKS, testStackConfig } from '../stack/testing';
import { services as repoServices } from '../../infra/services';
import { benchStackConfig, syntheticCatalogue } from '../../bench/catalogue';

// Strings the YAML writer must quote, block or leave plain exactly as the yaml library does: YAML 1.1
// booleans, nulls, numbers and timestamps, indicators, comments, document markers, control characters,
// white space at the edges and around line breaks.
const STRINGS = [
  '',
  ' ',
  'plain',
  'on',
  'On',
  'ON',
  'off',
  'yes',
  'Yes',
  'no',
  'NO',
  'y',
  'Y',
  'n',
  'N',
  'true',
  'False',
  'null',
  'Null',
  '~',
  '500',
  '-1',
  '+1',
  '0.5',
  '.5',
  '1e3',
  '1E-3',
  '0x1F',
  '0o17',
  '0b101',
  '0755',
  '1_000',
  '12:30',
  '190:20:30',
  '2026-12-01',
  '2026-12-01T22:00:00Z',
  '2026-12-01 22:00:00',
  '.inf',
  '-.Inf',
  '.NaN',
  '<<',
  '=',
  '- a',
  '-',
  '?',
  '? a',
  ':',
  ': a',
  'a: b',
  'a:b',
  'a #b',
  'a#b',
  '#a',
  'a:',
  'a ',
  ' a',
  '\ta',
  'a\t',
  'a\nb',
  'a\n\nb',
  'a\n',
  'a\n\n',
  '\na',
  ' \n',
  'a \nb',
  'a\n b',
  '{{ $labels.instance }} is down',
  '[x]',
  '{x}',
  'a, b',
  '*ref',
  '&a',
  '!tag',
  '|x',
  '>x',
  "'q'",
  '"q"',
  'it\'s "x"',
  '%x',
  '@x',
  '`x`',
  '---',
  '--- x',
  '...',
  'a\n---\nb',
  'a\n...\nb',
  'a\n%x',
  '\u0007bell',
  'nbsp\u00a0',
  'lone \ud800',
  'emoji 😀',
  'é',
  'x'.repeat(2000),
  'job="a",le="0.5"',
  'up{job="svc"} == 0',
  'sum by (le) (rate(x_bucket{job="a"}[5m]))',
  '5..',
  '(5..|4..)',
  'a\\b',
];
const NUMBERS = [0, -0, 1, -1, 0.1, 0.995, 14.4, 1e21, 1e-7, 2 ** 53, NaN, Infinity, -Infinity, 536870912];
const BLOCKS = [
  'sum(rate(x[5m]))\n/\nsum(rate(y[5m]))',
  `${'long_metric_name_'.repeat(6)}{job="a"} > 1`,
  'trailing space \nnext',
  '  indented first line\nsecond',
  'ends with a newline\n',
  'ends with newlines\n\n\n',
  'tab\there\nand there',
  '\nstarts with a newline',
  'a\n\n\nb',
  'x\n---\ny',
];

const both = (data: unknown, header?: string) => [
  renderYaml(data, header),
  renderYamlWithLibrary(data, header),
];

describe('renderYaml writes what the yaml library writes', () => {
  it.each(STRINGS.map((s) => [JSON.stringify(s).slice(0, 40), s]))('string %s', (_name, value) => {
    const data = {
      [value]: value,
      nested: { [value]: [value, { [value]: value }], list: [[value], [value, value]] },
      expr: value,
      description: `${value}\n${value}`,
    };
    const [fast, library] = both(data);
    expect(fast).toBe(library);
  });

  it.each(NUMBERS.map((n) => [String(n), n]))('number %s', (_name, value) => {
    const [fast, library] = both({ value, list: [value, [value]], nested: { value } });
    expect(fast).toBe(library);
  });

  it.each(BLOCKS.map((b) => [JSON.stringify(b).slice(0, 40), b]))('block candidate %s', (_name, value) => {
    const data = {
      groups: [{ rules: [{ expr: value, annotations: { description: value, summary: value } }] }],
    };
    const [fast, library] = both(data);
    expect(fast).toBe(library);
  });

  it.each([
    ['empty map', {}],
    ['empty list', []],
    ['empty collections as values', { a: [], b: {}, c: [[], {}], d: { e: [] } }],
    ['undefined members dropped', { a: undefined, b: { c: undefined }, d: [{ e: undefined, f: 1 }] }],
    ['booleans', { a: true, b: [false] }],
    ['top-level list of maps', [{ a: 1, b: 'x' }, { c: [1, 2] }]],
    ['lists of lists', { a: [[[1]], [['x', { y: 'z' }]]] }],
    ['null values (library path)', { a: null, b: { c: null }, d: [null] }],
    ['a map of nulls only (library path)', { a: null, b: null }],
    ['undefined in a list (library path)', { a: [1, undefined] }],
    ['a merge key (library path)', { '<<': { a: 1 } }],
    ['a key over 1024 characters (library path)', { ['k'.repeat(1100)]: 1 }],
    ['a Date (library path)', { at: new Date(0) }],
    ['a top-level string (library path)', 'text'],
  ])('%s', (_name, data) => {
    const [fast, library] = both(data, 'a header\nover two lines');
    expect(fast).toBe(library);
  });

  it('renders every file of the test stacks and a synthetic catalogue byte for byte as the library', () => {
    const stacks = () => [
      ...TEST_STACKS.map((name) => synthStack(testStackConfig(name), repoServices, { environment: name })),
      synthStack(benchStackConfig('kubernetes'), syntheticCatalogue(20), { environment: 'bench' }),
      synthStack(benchStackConfig('docker'), syntheticCatalogue(20), {
        environment: 'bench',
        platform: 'local',
      }),
    ];
    const fast = stacks().map((r) => r.files);
    const spy = jest.spyOn(yamlModule, 'renderYaml').mockImplementation(renderYamlWithLibrary);
    try {
      const library = stacks().map((r) => r.files);
      expect(spy).toHaveBeenCalled();
      expect(fast).toEqual(library);
    } finally {
      spy.mockRestore();
    }
  });
});
