import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool } from '../tools/binaries';
import { re2FullMatch, re2Problem } from './re2';

const ACCEPTED = [
  'x|y',
  '(?i)crit',
  '(?i:a)b',
  '(?P<name>a)',
  '(?<name>a)',
  '[[:alpha:]]+',
  '[]a]',
  '\\Q(\\E',
  '\\pL+',
  'a{2,5}',
  'a{,5}',
  '(?)',
  '(?U)a*',
  '',
];
const REFUSED = ['(', '*', '(?=a)', '(?<!a)b', '(a)\\1', '\\y', '\\C', 'a{1001}', 'x{2}{3}', '[a-\\d]', '\\'];

describe('re2Problem', () => {
  it.each(ACCEPTED)('accepts %j', (pattern) => expect(re2Problem(pattern)).toBeUndefined());
  it.each(REFUSED)('refuses %j', (pattern) => expect(re2Problem(pattern)).toEqual(expect.any(String)));

  it('gives every verdict Prometheus 3.5 gives (a matcher of a rule expression, checked by promtool)', async () => {
    const patterns = [...ACCEPTED, ...REFUSED];
    const rules = patterns.map(
      (pattern, i) =>
        `      - record: pattern_${i}\n        expr: ${JSON.stringify(`x{a=~${JSON.stringify(pattern)}}`)}\n`,
    );
    const file = join(mkdtempSync(join(tmpdir(), 're2-')), 'rules.yml');
    writeFileSync(file, `groups:\n  - name: patterns\n    rules:\n${rules.join('')}`);
    const result = await runTool('promtool', ['check', 'rules', file]);
    const refused = [...result.stderr.matchAll(/rule (\d+), "pattern_\d+": could not parse/g)].map(
      (match) => patterns[Number(match[1]) - 1],
    );
    expect(refused.sort()).toEqual([...REFUSED].sort());
  });
});

describe('re2FullMatch', () => {
  it.each([
    ['.*', '', true],
    ['a+', '', false],
    ['a.b', 'a\nb', true],
    ['crit', 'critical', false],
    ['(?i)CRIT', 'crit', true],
  ] as const)('%j on %j is %s, anchored as Prometheus anchors it', (pattern, text, expected) =>
    expect(re2FullMatch(pattern, text)).toBe(expected),
  );
});
