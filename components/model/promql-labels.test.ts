import { promqlTree } from './promql';
import { keepsLabel } from './promql-labels';

const keeps = (expr: string, label = 'route') => keepsLabel(promqlTree(expr)!, label);

describe('which labels an expression keeps', () => {
  it.each<[string, boolean]>([
    ['rate(x[5m])', true],
    ['sum(rate(x[5m]))', false],
    ['sum by (route) (rate(x[5m]))', true],
    ['sum(rate(x[5m])) by (route, code)', true],
    ['sum without (route) (rate(x[5m]))', false],
    ['sum without (code) (rate(x[5m]))', true],
    ['topk(3, rate(x[5m]))', true],
    ['sum by (route) (rate(x[5m])) - sum by (code) (rate(y[5m]))', true],
    ['sum by (code) (rate(x[5m])) / on (code) group_left sum by (route, code) (rate(y[5m]))', false],
    ['rate(x[5m]) / on (code) rate(y[5m])', false],
    ['rate(x[5m]) / ignoring (route) rate(y[5m])', false],
    ['2 * sum by (route) (rate(x[5m]))', true],
    ['vector(1)', false],
    ['histogram_quantile(0.9, sum by (le, route) (rate(h_bucket[5m])))', true],
  ])('%s keeps route: %s', (expr, kept) => {
    expect(keeps(expr)).toBe(kept);
  });

  it('drops le in histogram_quantile', () => {
    expect(keeps('histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m])))', 'le')).toBe(false);
  });
});
