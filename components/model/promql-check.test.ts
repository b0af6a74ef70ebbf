import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool } from '../tools/binaries';
import { promqlErrors } from './promql';

/**
 * Each expression with the message promstack gives, or null where Prometheus 3.5 accepts it. The
 * second test puts them all into one rule file and holds every verdict to the real promtool's.
 */
const CASES: readonly [string, RegExp | null][] = [
  ['rate(x)', /rate\(\) needs a range vector as argument 1, got instant vector at col 6/],
  ['abs(x[5m])', /abs\(\) needs an instant vector as argument 1, got range vector at col 5/],
  ['histogram_quantile("x", foo)', /needs a scalar as argument 1, got string/],
  ['round(up, 1, 2)', /expected at most 2 argument\(s\) in call to "round", got 3/],
  ['clamp(up)', /expected 3 argument\(s\) in call to "clamp", got 1/],
  ['label_join(up, "a")', /expected at least 3 argument\(s\) in call to "label_join", got 2/],
  ['label_join(up, "a", ",", "b", "c")', null],
  ['sum(foo[5m])', /expected type instant vector in aggregation expression, got range vector/],
  ['topk("a", x)', /expected type scalar in aggregation parameter, got string/],
  ['quantile(x, y)', /expected type scalar in aggregation parameter, got instant vector/],
  ['count_values(1, x)', /expected type string in aggregation parameter, got scalar/],
  ['count_values("a b", up)', null],
  ['sum(up, up)', /wrong number of arguments for aggregate expression provided, expected 1, got 2/],
  ['topk(up)', /expected 2, got 1/],
  ['limitk(2, up)', /limitk\(\) is experimental/],
  ['sort_by_label(up, "a")', /function "sort_by_label" is not enabled/],
  ['double_exponential_smoothing(x[5m], 0.5, 0.5)', /is not enabled/],
  ['1 > 2', /comparisons between scalars must use BOOL modifier/],
  ['1 > bool 2', null],
  ['up + bool up', /bool modifier can only be used on comparison operators/],
  ['up == bool on(a) up', null],
  ['up and 1', /set operator "and" not allowed in binary scalar expression/],
  ['up unless on(a) group_left up', /no grouping allowed for "unless" operation/],
  ['1 + on(a) up', /vector matching only allowed between instant vectors/],
  ['1 + on() up', null],
  ['up == on(a) group_left(a) up', /label "a" must not occur in ON and GROUP clause at once/],
  ['up == ignoring(a) group_left(a) up', null],
  ['foo[5m] + 1', /binary expression must contain only scalar and instant vector types/],
  ['-"a"', /unary expression only allowed on expressions of type scalar or instant vector/],
  ['-x[5m]', /unary expression only allowed/],
  ['a + b offset 5m', null],
  ['a - a offset 1d > 0', null],
  ['-x offset 5m', null],
  ['-x[5m:]', /unary expression only allowed/],
  ['a / b[5m]', /binary expression must contain only scalar and instant vector types/],
  ['a + b @ 5', null],
  ['-1 offset 5m', /offset modifier must be preceded/],
  ['up offset 5m offset 3m', /offset may not be set multiple times/],
  ['time() offset 5m', /offset modifier must be preceded by an instant vector selector/],
  ['(up) offset 5m', /offset modifier must be preceded/],
  ['up offset 1m [5m]', /no offset modifiers allowed before range/],
  ['up[5m] offset 1m', null],
  ['x offset -5m', null],
  ['rate(x[5m]) @ 5', /@ modifier must be preceded/],
  ['x @ start() @ end()', /@ <timestamp> may not be set multiple times/],
  ['x[5m] @ 5 offset 1m', null],
  ['x @ Inf', /timestamp out of bounds for @ modifier/],
  ['x[0s]', /duration must be greater than 0/],
  ['x[-5m]', /duration must be greater than 0/],
  ['x[5m:0s]', /duration must be greater than 0/],
  ['x[5]', null],
  ['rate(x[5m])[1m:]', null],
  ['rate(x[5m:1m])', null],
  ['rate(x[5m])[5m]', /ranges only allowed for vector selectors/],
  ['(x)[5m]', /ranges only allowed for vector selectors/],
  ['rate((x[5m]))', null],
  ['rate(x[5m])[10m:1m] offset 1m', null],
  ['abs(x)[5m:] @ 10', null],
  ['{job=~".*"}', /vector selector must contain at least one non-empty matcher/],
  ['{job=""}', /at least one non-empty matcher/],
  ['{a!~".*"}', null],
  ['{a!=""}', null],
  ['x{a=~"a+"}', null],
  ['foo{__name__="bar"}', /metric name must not be set twice: "foo" or "bar"/],
  ['foo{a="1",__name__="bar",__name__="baz"}', /set twice: "foo" or "bar"/],
  ['{a="",b=~".*",c="x"}', null],
  ['{a="",b=~".*"}', /at least one non-empty matcher/],
  ['{a=~"(",b=""}', /at least one non-empty matcher/],
  ['{a!="",b=""}', null],
  ['{"foo.bar"}', null],
  ['{"foo.bar", job="a"}[5m]', null],
  ['up{"a.b"="x"}', null],
  ['sum by ("a.b") (up)', null],
  ['sum by (a,) (up)', null],
  ['x{a="\\q"}', /invalid escape \\q at col 5/],
  ["x{a='\\\"'}", /invalid escape \\" at col 5/],
  ['x{a="\\u00e9"}', null],
  ['x{a=`\\q`}', null],
  ['x{a=~"("}', /missing closing \)/],
  ['x{a=~"a{1001}"}', /invalid repeat count/],
  ['x{a=~"(?P<n>a)"}', null],
  ['1_000 + 0x1F', null],
  ['"a"', null],
  ['vector(1) and vector(1)', null],
  ['histogram_quantile(0.9, rate(x[5m]))', null],
  ['sum without (a) (rate(x[5m])) > 0', null],
  ['absent_over_time(up{job="a"}[5m])', null],
  ['predict_linear(x[1h], 4 * 3600) < 0', null],
  ['quantile_over_time(0.9, x[5m])', null],
  ['scalar(up) and scalar(up)', /set operator "and" not allowed/],
];

describe('promqlErrors after the grammar: the checks of Prometheus 3.5', () => {
  it.each(CASES)('%s', (expr, expected) => {
    const messages = promqlErrors(expr).map((error) => error.message);
    if (expected === null) expect(messages).toEqual([]);
    else expect(messages.join('\n')).toMatch(expected);
  });

  it('gives every verdict the real promtool gives', async () => {
    const rules = CASES.map(
      ([expr], index) => `      - record: case_${index}\n        expr: ${JSON.stringify(expr)}\n`,
    );
    const dir = mkdtempSync(join(tmpdir(), 'promql-check-'));
    const file = join(dir, 'rules.yml');
    writeFileSync(file, `groups:\n  - name: cases\n    rules:\n${rules.join('')}`);
    const result = await runTool('promtool', ['check', 'rules', file]);
    const refused = new Set(
      [...(result.stdout + result.stderr).matchAll(/rule (\d+), "case_\d+": could not parse/g)].map(
        (match) => Number(match[1]) - 1,
      ),
    );
    const disagreements = CASES.flatMap(([expr, expected], index) =>
      (expected !== null) === refused.has(index)
        ? []
        : [`${expr}: promtool ${refused.has(index) ? 'refuses' : 'accepts'} it`],
    );
    expect(disagreements).toEqual([]);
    // Both verdicts are present, so the comparison says something.
    expect(refused.size).toBeGreaterThan(20);
    expect(refused.size).toBeLessThan(CASES.length - 20);
  });
});
