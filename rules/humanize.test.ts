import { formatG4, humanize1024 } from './humanize';

/** Go's fmt `%.4g` (strconv: shortest exact decimal, ties to even), as Prometheus's templates print. */
describe('formatG4, as Go prints %.4g', () => {
  it.each([
    [1.3125, '1.312'], // an exact tie rounds to the even digit, not up
    [1.3135, '1.313'], // not exactly representable: nearest
    [12345, '1.234e+04'],
    [99995, '1e+05'], // tie after an odd digit: up, into the next power
    [9999.5, '1e+04'],
    [-1.3125, '-1.312'],
    [123.45, '123.5'],
    [0.00012345, '0.0001234'],
    [0.5, '0.5'],
    [1024, '1024'],
  ])('%p -> %s', (value, text) => expect(formatG4(value)).toBe(text));

  it('gives humanize1024 the same rounding: 1,344 MiB is 1.312Gi, as promtool renders it', () =>
    expect(humanize1024(1344 * 1024 * 1024)).toBe('1.312Gi'));
});
