import { promqlErrors } from '../components/model/promql';
import { grafanaVariableRefs, substituteGrafanaMacros } from './macros';

describe('substituteGrafanaMacros', () => {
  it.each([
    [
      'sum by (job) (rate(http_requests_total{job=~"$job"}[$__rate_interval]))',
      'sum by (job) (rate(http_requests_total{job=~"$job"}[5m]))',
    ],
    [
      'histogram_quantile($quantile, sum by (le) (rate(h_bucket{job=~"${job:regex}"}[${__rate_interval}])))',
      'histogram_quantile(1, sum by (le) (rate(h_bucket{job=~"${job:regex}"}[5m])))',
    ],
    ['rate(x[[[interval]]])', 'rate(x[5m])'],
    ['max_over_time(rate(x[$__rate_interval])[$__range:$__interval])', 'max_over_time(rate(x[5m])[5m:5m])'],
    ['up offset $shift', 'up offset 5m'],
    ['increase(x[$__range]) / $__range_s', 'increase(x[5m]) / 1'],
    ["topk($n, up{instance='$instance'})", "topk(1, up{instance='$instance'})"],
    [
      'label_replace(up, "host", "$1", "instance", "(.*):.*")',
      'label_replace(up, "host", "$1", "instance", "(.*):.*")',
    ],
    ['up{job="a\\"$job"} > $threshold', 'up{job="a\\"$job"} > 1'],
    ['up # $not_a_variable in a comment\n > $min', 'up # $not_a_variable in a comment\n > 1'],
  ])('%s', (raw, expected) => {
    const substituted = substituteGrafanaMacros(raw);
    expect(substituted).toBe(expected);
    expect(promqlErrors(substituted)).toEqual([]);
  });

  it('makes raw Grafana queries parse', () => {
    const raw = 'sum(rate(x{job=~"$job"}[$__rate_interval])) > $threshold';
    expect(promqlErrors(raw)).not.toEqual([]);
    expect(promqlErrors(substituteGrafanaMacros(raw))).toEqual([]);
  });

  it('uses caller-given values everywhere, strings included', () => {
    expect(
      substituteGrafanaMacros('sum(rate(up{job=~"$job", env="${env:raw}"}[$__rate_interval])) > $min', {
        job: 'prometheus',
        env: 'dev',
        __rate_interval: '1m',
        min: '0.5',
      }),
    ).toBe('sum(rate(up{job=~"prometheus", env="dev"}[1m])) > 0.5');
  });

  it('ignores inherited object keys as values', () => {
    expect(substituteGrafanaMacros('up > $constructor')).toBe('up > 1');
  });
});

describe('grafanaVariableRefs', () => {
  it('finds every reference with its context and format', () => {
    expect(grafanaVariableRefs('rate(x{a="$a"}[$b]) * ${c:csv} + [[d:raw]]')).toEqual([
      { name: 'a', format: undefined, start: 10, end: 12, context: 'string' },
      { name: 'b', format: undefined, start: 15, end: 17, context: 'duration' },
      { name: 'c', format: 'csv', start: 22, end: 30, context: 'value' },
      { name: 'd', format: 'raw', start: 33, end: 42, context: 'value' },
    ]);
  });
});
