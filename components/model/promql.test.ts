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
