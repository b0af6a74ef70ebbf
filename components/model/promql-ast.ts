import type { SyntaxNode } from '@lezer/common';

/**
 * A PromQL expression as Prometheus's own parser builds it, read from a lezer-promql tree. The two
 * grammars differ in one place: lezer binds the postfix modifiers (`offset`, `@`, `[range]`,
 * `[range:step]`) to everything before them (`a + b offset 5m` is `(a + b) offset 5m`), where
 * Prometheus's yacc grammar gives them the highest precedence (`a + (b offset 5m)`, `-(x[5m])`).
 * The AST follows Prometheus, so that its checks see what Prometheus checks.
 */
export type PromqlNode =
  | { kind: 'number'; from: number; text: string }
  | { kind: 'string'; from: number; text: string }
  | { kind: 'paren'; from: number; expr: PromqlNode }
  | { kind: 'selector'; from: number; name?: string; matchers: LabelMatcher[] }
  | { kind: 'matrix'; from: number; expr: PromqlNode; range: Literal }
  | { kind: 'subquery'; from: number; expr: PromqlNode; range: Literal; step?: Literal }
  | { kind: 'offset'; from: number; expr: PromqlNode; duration: Literal }
  | { kind: 'at'; from: number; expr: PromqlNode; timestamp?: Literal }
  | { kind: 'unary'; from: number; expr: PromqlNode }
  | {
      kind: 'binary';
      from: number;
      lhs: PromqlNode;
      rhs: PromqlNode;
      /** Lower-case operator: `+`, `==`, `and`, `atan2`. */
      op: string;
      opFrom: number;
      bool: boolean;
      matching?: VectorMatching;
    }
  | { kind: 'call'; from: number; name: string; args: PromqlNode[] }
  | {
      kind: 'aggregate';
      from: number;
      op: string;
      grouping: Literal[];
      /** `without (…)` rather than `by (…)` or no grouping. */
      without?: boolean;
      args: PromqlNode[];
    };

export interface Literal {
  from: number;
  text: string;
}

export interface LabelMatcher {
  /** Unquoted (`job`) or quoted (`"http.route"`) as written; a bare quoted name in braces is the metric name. */
  name: Literal;
  op: '=' | '!=' | '=~' | '!~';
  value: Literal;
}

export interface VectorMatching {
  on: boolean;
  labels: Literal[];
  card: 'one-to-one' | 'many-to-one' | 'one-to-many';
  include: Literal[];
}

const MATCH_OPS: Record<string, LabelMatcher['op']> = {
  EqlSingle: '=',
  Neq: '!=',
  EqlRegex: '=~',
  NeqRegex: '!~',
};

/** The AST of an expression whose lezer tree has no error nodes; `top` is the tree's PromQL node. */
export function promqlAst(expr: string, top: SyntaxNode): PromqlNode | undefined {
  const literal = (node: SyntaxNode): Literal => ({ from: node.from, text: expr.slice(node.from, node.to) });
  const children = (node: SyntaxNode): SyntaxNode[] => {
    const out: SyntaxNode[] = [];
    for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
    return out;
  };
  const exprChildren = (node: SyntaxNode) => children(node).filter((child) => child.type.is('Expr'));

  function build(node: SyntaxNode): PromqlNode {
    const from = node.from;
    const [first, second] = exprChildren(node);
    const duration = () => node.getChildren('NumberDurationLiteralInDurationContext').map(literal);
    switch (node.name) {
      case 'NumberDurationLiteral':
        return { kind: 'number', ...literal(node) };
      case 'StringLiteral':
        return { kind: 'string', ...literal(node) };
      case 'ParenExpr':
        return { kind: 'paren', from, expr: build(first) };
      case 'VectorSelector':
        return selector(node);
      case 'MatrixSelector':
        return postfix(build(first), (target) => ({
          kind: 'matrix',
          from: target.from,
          expr: target,
          range: duration()[0],
        }));
      case 'SubqueryExpr': {
        const [range, step] = duration();
        return postfix(build(first), (target) => ({
          kind: 'subquery',
          from: target.from,
          expr: target,
          range,
          ...(step ? { step } : {}),
        }));
      }
      case 'OffsetExpr':
        return postfix(build(first), (target) => ({
          kind: 'offset',
          from: target.from,
          expr: target,
          duration: duration()[0],
        }));
      case 'StepInvariantExpr': {
        const timestamp = node.getChild('NumberDurationLiteral');
        return postfix(build(first), (target) => ({
          kind: 'at',
          from: target.from,
          expr: target,
          ...(timestamp ? { timestamp: literal(timestamp) } : {}),
        }));
      }
      case 'UnaryExpr':
        return { kind: 'unary', from, expr: build(first) };
      case 'BinaryExpr': {
        const operator = children(node).find((part) => part.from >= first.to && !part.type.is('Expr'))!;
        const matching = node.getChild('MatchingModifierClause');
        return {
          kind: 'binary',
          from,
          lhs: build(first),
          rhs: build(second),
          op: expr.slice(operator.from, operator.to).toLowerCase(),
          opFrom: operator.from,
          bool: node.getChild('BoolModifier') !== null,
          ...(matching ? { matching: vectorMatching(matching) } : {}),
        };
      }
      case 'FunctionCall':
        return {
          kind: 'call',
          from,
          name: literal(node.getChild('FunctionIdentifier')!).text,
          args: exprChildren(node.getChild('FunctionCallBody')!).map(build),
        };
      case 'AggregateExpr': {
        const modifier = node.getChild('AggregateModifier');
        const grouping = modifier?.getChild('GroupingLabels');
        return {
          kind: 'aggregate',
          from,
          op: literal(node.getChild('AggregateOp')!).text.toLowerCase(),
          grouping: grouping ? labelList(grouping) : [],
          ...(modifier?.getChild('Without') ? { without: true } : {}),
          args: exprChildren(node.getChild('FunctionCallBody')!).map(build),
        };
      }
      default:
        throw new Error(
          `PromQL node ${node.name} is not known to promstack: update promql-ast.ts with lezer-promql`,
        );
    }
  }

  function selector(node: SyntaxNode): PromqlNode {
    const identifier = node.getChild('Identifier');
    const matchers: LabelMatcher[] = [];
    const braces = node.getChild('LabelMatchers');
    for (const matcher of braces ? children(braces) : []) {
      if (matcher.name === 'QuotedLabelName') {
        matchers.push({
          name: { from: matcher.from, text: '__name__' },
          op: '=',
          value: literal(matcher.firstChild!),
        });
      } else if (matcher.name === 'UnquotedLabelMatcher' || matcher.name === 'QuotedLabelMatcher') {
        const [name, op, value] = children(matcher);
        matchers.push({ name: literal(name), op: MATCH_OPS[op.firstChild!.name], value: literal(value) });
      }
    }
    return {
      kind: 'selector',
      from: node.from,
      ...(identifier ? { name: literal(identifier).text } : {}),
      matchers,
    };
  }

  function vectorMatching(clause: SyntaxNode): VectorMatching {
    const [labels, include] = clause.getChildren('GroupingLabels');
    return {
      on: clause.getChild('On') !== null,
      labels: labels ? labelList(labels) : [],
      card: clause.getChild('GroupLeft')
        ? 'many-to-one'
        : clause.getChild('GroupRight')
          ? 'one-to-many'
          : 'one-to-one',
      include: include ? labelList(include) : [],
    };
  }

  function labelList(node: SyntaxNode): Literal[] {
    return children(node)
      .filter((label) => label.name === 'LabelName' || label.name === 'QuotedLabelName')
      .map(literal);
  }

  const [root] = exprChildren(top);
  return root ? build(root) : undefined;
}

/**
 * Applies a postfix modifier the way Prometheus's grammar binds it: to the right-most operand of a
 * binary expression and to the operand of a unary one, never across parentheses.
 */
function postfix(inner: PromqlNode, apply: (target: PromqlNode) => PromqlNode): PromqlNode {
  if (inner.kind === 'binary') return { ...inner, rhs: postfix(inner.rhs, apply) };
  if (inner.kind === 'unary') return { ...inner, expr: postfix(inner.expr, apply) };
  return apply(inner);
}
