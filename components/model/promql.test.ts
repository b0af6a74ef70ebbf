import type * as Promql from './promql';

/** A fresh copy of the module: its cache of valid shapes starts empty. */
function freshModule(): typeof Promql {
  let loaded: typeof Promql | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require('./promql') as typeof Promql;
  });
  return loaded!;
}

// Pairs and families that differ only inside strings and numbers, valid and not, and the cases the shape
// cannot be taken of (comments, single quotes, backticks, strings left open).
const EXPRESSIONS = [
  'up{job="a"} == 0',
  'up{job="b"} == 0',
  'up{job="a\\"b"} == 1',
  'up{job="a\\\\"} == 1',
  'up{job="a"} == 0.5',
  'up{job="a"} == 1e3',
  'up{job="a"} == 0x1F',
  'up{job="a"} == .5',
  'up{job="a"} == 5.',
  'up{job="a"} == 1_000',
  'up{job="a" == 0',
  'up{job="a} == 0',
  'up{job="a\n"} == 0',
  "up{job='a'} == 0",
  'up{job=`a`} == 0',
  'up{job="a"} # a "comment',
  'rate(x{job="a"}[5m]) > 14.4 * 0.001',
  'rate(x{job="a"}[5]) > 14.4 * 0.001',
  'rate(x{job="a"}[1h30m]) > 1',
  'rate(x{job="a"}[1h30]) > 1',
  'histogram_quantile(0.99, sum by (le) (rate(x_bucket{job="a"}[5m])))',
  'histogram_quantile(0.99, sum by (le) (rate(x_bucket{job="a"}[5m]))',
  'topk(5, up)',
  'topk(5 up)',
  'up offset 5m',
  'up offset 5',
  'up @ 1609746000',
  'vector(0.995)',
  'vector(0.995',
  'uptime(up) == 0',
  '"x"',
  '"x" "y"',
  '5 5',
  'up{job=""}',
  'up{job=""""}',
  // Same shapes, literals that decide: regexes, empty selectors, durations, offsets, numbers, escapes.
  'x{a=~"b+"}',
  'x{a=~"("}',
  '{job="a"}',
  '{job=""}',
  '{job=~".*"}',
  '{job=~".+"}',
  'foo{__name__="bar"}',
  'x[5]',
  'x[0]',
  'rate(x[5m:5])',
  'rate(x[5m:0])',
  'x offset 0 offset 5',
  'x offset 5 offset 5',
  'x @ 5',
  'x @ -5',
  'x @ 1e400',
  '-1e400 + x',
  '-1 + x',
  'x{a="\\q"}',
  'x{a="\\n"}',
  'sum by ("a") (x)',
  'sum by ("") (x)',
];

describe('promqlErrors with its cache of valid shapes', () => {
  it('gives every expression the verdict an uncached parse gives, in any order', () => {
    const uncached = EXPRESSIONS.map((expr) => freshModule().promqlErrors(expr));
    const shared = freshModule();
    for (const order of [EXPRESSIONS, [...EXPRESSIONS].reverse()]) {
      const cached = order.map((expr) => shared.promqlErrors(expr));
      const expected = order.map((expr) => uncached[EXPRESSIONS.indexOf(expr)]);
      expect(cached).toEqual(expected);
    }
    // The table holds both verdicts, so the comparison above says something.
    expect(uncached.filter((errors) => errors.length === 0).length).toBeGreaterThan(5);
    expect(uncached.filter((errors) => errors.length > 0).length).toBeGreaterThan(5);
  });

  it.each([
    ['up{job="a"', /unexpected end of expression/],
    ['sum(up{job="a"}) == 0)', /unexpected "\)" at col 22/],
    ['uptime(up) == 0', /unknown function "uptime" at col 1/],
  ])('still names the error of %s after a valid expression of another shape', (expr, message) => {
    const promql = freshModule();
    expect(promql.promqlErrors('up{job="a"} == 0')).toEqual([]);
    expect(promql.promqlErrors(expr)[0].message).toMatch(message);
  });
});

describe('promqlErrors on expressions of a shape already found valid', () => {
  it.each([
    ['x{a=~"b+"}', 'x{a=~"("}', /missing closing \): `\(` at col 3/],
    ['{job="a"}', '{job=""}', /at least one non-empty matcher/],
    ['{job=~".+"}', '{job=~".*"}', /at least one non-empty matcher/],
    ['x[5]', 'x[0]', /duration must be greater than 0/],
    ['rate(x[5m:5])', 'rate(x[5m:0])', /duration must be greater than 0/],
    ['x offset 0 offset 5', 'x offset 5 offset 5', /offset may not be set multiple times/],
    ['x @ 5', 'x @ 1e400', /timestamp out of bounds/],
    ['-1 + x', '-1e400 + x', /out of range/],
    ['x{a="\\n"}', 'x{a="\\q"}', /invalid escape \\q/],
    ['sum by ("a") (x)', 'sum by ("") (x)', /invalid label name for grouping/],
  ])('%s, then %s', (valid, invalid, message) => {
    const promql = freshModule();
    expect(promql.promqlErrors(valid)).toEqual([]);
    expect(
      promql
        .promqlErrors(invalid)
        .map((error) => error.message)
        .join('\n'),
    ).toMatch(message);
  });
});
