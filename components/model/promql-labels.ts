import type { PromqlNode } from './promql-ast';

/**
 * Whether the result of an expression keeps a label of the series it reads, as Prometheus computes
 * result labels: an aggregation keeps its `by` labels (or all but its `without` ones), a one-to-one
 * binary operation matching `on` some labels keeps those, `ignoring` drops its labels, `group_left` keeps
 * the left side's, `group_right` the right's; functions that build new series (`vector`, `scalar`,
 * `count_values`' value aside) keep none; `histogram_quantile` drops `le`. What an SLI's `groupBy` needs:
 * a label its queries keep, so each value gets its own ratio.
 */
export function keepsLabel(node: PromqlNode, label: string): boolean {
  switch (node.kind) {
    case 'number':
    case 'string':
      return false;
    case 'selector':
      return true;
    case 'paren':
    case 'matrix':
    case 'subquery':
    case 'offset':
    case 'at':
    case 'unary':
      return keepsLabel(node.expr, label);
    case 'aggregate': {
      const inner = node.args[node.args.length - 1];
      if (['topk', 'bottomk', 'limitk', 'limit_ratio'].includes(node.op)) return keepsLabel(inner, label);
      const listed = node.grouping.some((g) => g.text.replace(/^"|"$/g, '') === label);
      const grouped = node.without ? !listed : listed;
      return grouped && keepsLabel(inner, label);
    }
    case 'call': {
      if (['vector', 'scalar', 'time', 'pi', 'absent', 'absent_over_time'].includes(node.name)) return false;
      if (node.name === 'histogram_quantile' && label === 'le') return false;
      const vector = node.args.find((arg) => arg.kind !== 'number' && arg.kind !== 'string');
      return vector !== undefined && keepsLabel(vector, label);
    }
    case 'binary': {
      const scalar = (n: PromqlNode) => n.kind === 'number' || (n.kind === 'call' && n.name === 'scalar');
      if (scalar(node.lhs)) return keepsLabel(node.rhs, label);
      if (scalar(node.rhs)) return keepsLabel(node.lhs, label);
      const m = node.matching;
      const named = m?.labels.some((l) => l.text === label) ?? false;
      if (node.op === 'or') return keepsLabel(node.lhs, label) && keepsLabel(node.rhs, label);
      if (m?.card === 'one-to-many') return keepsLabel(node.rhs, label);
      if (m?.card === 'many-to-one' || ['and', 'unless'].includes(node.op))
        return keepsLabel(node.lhs, label);
      if (m?.on) return named && keepsLabel(node.lhs, label);
      return !named && keepsLabel(node.lhs, label);
    }
  }
}
