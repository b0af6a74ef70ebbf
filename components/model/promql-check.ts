import type { Literal, PromqlNode, VectorMatching } from './promql-ast';
import { parseDuration } from './duration';
import { goUnquote } from './go-strings';
import { boundedMemo } from './memo';
import { re2FullMatch, re2Problem } from './re2';
import {
  documentedType,
  PROMQL_AGGREGATIONS,
  PROMQL_FUNCTIONS,
  type PromqlFunction,
  type ValueType,
} from './promql-functions';

/**
 * What Prometheus 3.5's parser checks once an expression's grammar is right (promql/parser: checkAST,
 * the actions of generated_parser.y, addOffset, setTimestamp, newAggregateExpr, newLabelMatcher):
 * argument types and counts, operand types, `bool` and set operators, aggregation parameters,
 * where `offset`, `@` and ranges may stand, durations, string escapes, regular expressions and empty
 * selectors. lezer-promql gives the tree; this walks it once. The promtool agreement test holds the
 * verdicts to the real promtool's.
 */

export interface PromqlProblem {
  /** Offset of the offending node in the expression, 0-based. */
  from: number;
  message: string;
}

/** A node that `offset`, `@` and a range can apply to, with what has been applied so far. */
interface Selector {
  kind: 'vector' | 'matrix' | 'subquery';
  offsetSeconds: number;
  /** `@ 1609746000` sets a timestamp, `@ start()`/`@ end()` a preprocessor; either is set once. */
  at?: 'timestamp' | 'preprocessor';
}

interface Checked {
  type: ValueType;
  /** Set when the expression is a selector or subquery, through any `offset` and `@` on it. */
  selector?: Selector;
}

const COMPARISON_OPERATORS = new Set(['==', '!=', '<=', '<', '>=', '>']);
const SET_OPERATORS = new Set(['and', 'or', 'unless']);
const MAX_DURATION_SECONDS = 2 ** 63 / 1e9;

/**
 * How a check reads a literal's text: its own, or the text of another expression of the same shape. An
 * object rather than a function, so that checking an expression of a known shape creates no closure.
 */
export interface LiteralText {
  textOf(literal: Literal): string;
}
const ownText: LiteralText = { textOf: (literal) => literal.text };

/**
 * Every problem of an expression whose grammar lezer accepted: the structural checks (types, counts,
 * modifiers) and the checks of literal values (strings, regexes, selectors, durations, numbers).
 */
export function promqlSemanticProblems(root: PromqlNode): PromqlProblem[] {
  return [...promqlStructureProblems(root), ...promqlValueProblems(root, ownText)];
}

/**
 * The checks that hold for every expression of the same shape (the same text but for the contents of
 * strings and the values of plain numbers), so that a shape checked once need not be checked again.
 */
export function promqlStructureProblems(root: PromqlNode): PromqlProblem[] {
  const problems: PromqlProblem[] = [];
  const report = (at: { from: number }, message: string) => {
    if (!problems.some((p) => p.from === at.from && p.message === message))
      problems.push({ from: at.from, message });
  };

  function check(node: PromqlNode): Checked {
    switch (node.kind) {
      case 'number':
        return { type: 'scalar' };
      case 'string':
        return { type: 'string' };
      case 'paren':
        return { type: check(node.expr).type };
      case 'selector':
        return { type: 'vector', selector: { kind: 'vector', offsetSeconds: 0 } };
      case 'matrix':
        return checkMatrixSelector(node);
      case 'subquery':
        return checkSubquery(node);
      case 'offset':
        return checkOffset(node);
      case 'at':
        return checkAt(node);
      case 'unary':
        return checkUnary(node);
      case 'binary':
        return checkBinary(node);
      case 'call':
        return checkCall(node);
      case 'aggregate':
        return checkAggregation(node);
    }
  }

  function expectType(node: PromqlNode, want: ValueType, context: string): void {
    const got = check(node).type;
    if (got !== want)
      report(node, `expected type ${documentedType(want)} in ${context}, got ${documentedType(got)}`);
  }

  function checkMatrixSelector(node: Extract<PromqlNode, { kind: 'matrix' }>): Checked {
    const selector = check(node.expr).selector;
    // Prometheus only records a timestamp (not start()/end()) on the selector it checks here.
    const problem =
      !selector || selector.kind !== 'vector'
        ? 'ranges only allowed for vector selectors'
        : selector.offsetSeconds !== 0
          ? 'no offset modifiers allowed before range'
          : selector.at === 'timestamp'
            ? 'no @ modifiers allowed before range'
            : undefined;
    if (problem) report(node.range, problem);
    // The range's selector carries its modifiers on: a second `@` after the range is a repeat.
    return {
      type: 'matrix',
      selector: { kind: 'matrix', offsetSeconds: selector?.offsetSeconds ?? 0, at: selector?.at },
    };
  }

  function checkSubquery(node: Extract<PromqlNode, { kind: 'subquery' }>): Checked {
    const type = check(node.expr).type;
    if (type !== 'vector') report(node, `subquery is only allowed on instant vector, got ${type} instead`);
    return { type: 'matrix', selector: { kind: 'subquery', offsetSeconds: 0 } };
  }

  function checkOffset(node: Extract<PromqlNode, { kind: 'offset' }>): Checked {
    const checked = check(node.expr);
    // Structural all the same: a shape keeps the number after `offset` (see the shape in promql.ts).
    const seconds = durationSeconds(node.duration.text);
    if (!checked.selector) {
      report(
        node,
        'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery',
      );
    } else if (checked.selector.offsetSeconds !== 0) {
      report(node, 'offset may not be set multiple times');
    } else {
      checked.selector.offsetSeconds = seconds ?? 0;
    }
    return checked;
  }

  function checkAt(node: Extract<PromqlNode, { kind: 'at' }>): Checked {
    const checked = check(node.expr);
    if (!checked.selector) {
      report(
        node,
        '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery',
      );
    } else if (checked.selector.at) {
      report(node, '@ <timestamp> may not be set multiple times');
    } else {
      checked.selector.at = node.timestamp ? 'timestamp' : 'preprocessor';
    }
    return checked;
  }

  function checkUnary(node: Extract<PromqlNode, { kind: 'unary' }>): Checked {
    const type = check(node.expr).type;
    if (type !== 'scalar' && type !== 'vector')
      report(
        node,
        `unary expression only allowed on expressions of type scalar or instant vector, got ${JSON.stringify(documentedType(type))}`,
      );
    return { type };
  }

  function checkBinary(node: Extract<PromqlNode, { kind: 'binary' }>): Checked {
    const { op, matching } = node;
    const at = { from: node.opFrom };
    const lt = check(node.lhs).type;
    const rt = check(node.rhs).type;
    const isComparison = COMPARISON_OPERATORS.has(op);
    const isSet = SET_OPERATORS.has(op);
    if (node.bool && !isComparison) report(at, 'bool modifier can only be used on comparison operators');
    if (isComparison && !node.bool && lt === 'scalar' && rt === 'scalar')
      report(at, 'comparisons between scalars must use BOOL modifier');
    const matchingLabels = matching?.labels ?? [];
    if (lt !== 'scalar' && lt !== 'vector')
      report(node.lhs, 'binary expression must contain only scalar and instant vector types');
    if (rt !== 'scalar' && rt !== 'vector')
      report(node.rhs, 'binary expression must contain only scalar and instant vector types');
    if (lt !== 'vector' || rt !== 'vector') {
      if (matchingLabels.length > 0) report(node, 'vector matching only allowed between instant vectors');
    } else if (isSet && matching && matching.card !== 'one-to-one') {
      report(node, `no grouping allowed for ${JSON.stringify(op)} operation`);
      report(node, 'set operations must always be many-to-many');
    }
    if ((lt === 'scalar' || rt === 'scalar') && isSet)
      report(node, `set operator ${JSON.stringify(op)} not allowed in binary scalar expression`);
    return { type: lt === 'scalar' && rt === 'scalar' ? 'scalar' : 'vector' };
  }

  function checkCall(node: Extract<PromqlNode, { kind: 'call' }>): Checked {
    const { name, args } = node;
    const fn = PROMQL_FUNCTIONS.get(name);
    if (!fn) {
      report(node, `unknown function with name ${JSON.stringify(name)}`);
      args.forEach(check);
      return { type: 'none' };
    }
    if (fn.experimental)
      report(node, `function ${JSON.stringify(name)} is not enabled: it is experimental in Prometheus 3.5`);
    const countProblem = argumentCountProblem(name, fn, args.length);
    if (countProblem) report(node, countProblem);
    args.forEach((arg, index) => {
      if (index >= fn.args.length && fn.variadic === 0) {
        check(arg);
        return;
      }
      const want = fn.args[Math.min(index, fn.args.length - 1)];
      const got = check(arg).type;
      if (got !== want)
        report(
          arg,
          `${name}() needs a${want === 'vector' ? 'n' : ''} ${documentedType(want)} as argument ${index + 1}, got ${documentedType(got)}`,
        );
    });
    return { type: fn.returns };
  }

  function checkAggregation(node: Extract<PromqlNode, { kind: 'aggregate' }>): Checked {
    const { op, args } = node;
    const aggregation = PROMQL_AGGREGATIONS.get(op) ?? {};
    if (args.length === 0) {
      report(node, 'no arguments for aggregate expression provided');
      return { type: 'vector' };
    }
    if (aggregation.experimental) {
      report(
        node,
        `${op}() is experimental and must be enabled with --enable-feature=promql-experimental-functions`,
      );
      return { type: 'vector' };
    }
    const wanted = aggregation.param ? 2 : 1;
    if (args.length !== wanted) {
      report(
        node,
        `wrong number of arguments for aggregate expression provided, expected ${wanted}, got ${args.length}`,
      );
      return { type: 'vector' };
    }
    expectType(args[wanted - 1], 'vector', 'aggregation expression');
    if (aggregation.param) expectType(args[0], aggregation.param, 'aggregation parameter');
    return { type: 'vector' };
  }

  check(root);
  return problems;
}

/**
 * The checks of literal values: escapes, regexes, empty selectors, a metric name set twice, grouping
 * label names, durations, timestamps and number ranges. `texts` gives each literal's text.
 */
export function promqlValueProblems(root: PromqlNode, texts: LiteralText): PromqlProblem[] {
  const checker = new ValueChecker(texts);
  checker.visit(root);
  return checker.problems;
}

/** A class rather than closures: it runs once per generated expression, thousands of times a synth. */
class ValueChecker {
  readonly problems: PromqlProblem[] = [];

  constructor(private readonly texts: LiteralText) {}

  visit(node: PromqlNode): void {
    switch (node.kind) {
      case 'number':
        return this.checkNumber(node);
      case 'string':
        this.checkString(node);
        return;
      case 'selector':
        return this.checkVectorSelector(node);
      case 'paren':
      case 'unary':
        return this.visit(node.expr);
      case 'matrix':
        this.visit(node.expr);
        return this.checkPositiveDuration(node.range);
      case 'subquery':
        this.visit(node.expr);
        this.checkPositiveDuration(node.range);
        if (node.step) this.checkPositiveDuration(node.step);
        return;
      case 'offset': {
        this.visit(node.expr);
        const seconds = durationSeconds(this.texts.textOf(node.duration));
        if (seconds !== undefined && Math.abs(seconds) > MAX_DURATION_SECONDS)
          this.report(node.duration, 'duration out of range');
        return;
      }
      case 'at': {
        this.visit(node.expr);
        if (!node.timestamp) return;
        const text = this.texts.textOf(node.timestamp);
        const seconds = durationSeconds(text);
        if (seconds === undefined || !Number.isFinite(seconds) || Math.abs(seconds) >= 2 ** 63)
          this.report(node, `timestamp out of bounds for @ modifier: ${text}`);
        return;
      }
      case 'binary':
        this.visit(node.lhs);
        this.visit(node.rhs);
        if (node.matching) this.checkMatchingLabels(node.matching, node.opFrom);
        return;
      case 'call':
        for (const arg of node.args) this.visit(arg);
        return;
      case 'aggregate':
        this.labelNames(node.grouping);
        for (const arg of node.args) this.visit(arg);
        return;
    }
  }

  private report(at: { from: number }, message: string): void {
    if (!this.problems.some((p) => p.from === at.from && p.message === message))
      this.problems.push({ from: at.from, message });
  }

  private checkString(node: Literal): string | undefined {
    const unquoted = unquote(this.texts.textOf(node));
    if (typeof unquoted !== 'string') {
      this.report(node, unquoted.error);
      return undefined;
    }
    return unquoted;
  }

  private checkVectorSelector(node: Extract<PromqlNode, { kind: 'selector' }>): void {
    // What the checks below need of the valid matchers, gathered as they are read: the first that
    // sets __name__, and (without a metric name) whether one matches only non-empty values.
    let nameValue: string | undefined;
    let nonEmpty = false;
    for (const matcher of node.matchers) {
      const name = this.labelName(matcher.name);
      const value = this.checkString(matcher.value);
      if (name === undefined || value === undefined) continue;
      if (matcher.op === '=~' || matcher.op === '!~') {
        const problem = re2Problem(value);
        if (problem) {
          this.report(matcher.name, problem);
          continue;
        }
      }
      if (node.name !== undefined) {
        if (name === '__name__' && nameValue === undefined) nameValue = value;
      } else if (!nonEmpty) {
        nonEmpty = !matchesEmpty(matcher.op, value);
      }
    }
    if (node.name !== undefined) {
      if (nameValue !== undefined)
        this.report(
          node,
          `metric name must not be set twice: ${JSON.stringify(node.name)} or ${JSON.stringify(nameValue)}`,
        );
      return;
    }
    if (!nonEmpty) this.report(node, 'vector selector must contain at least one non-empty matcher');
  }

  private checkMatchingLabels(matching: VectorMatching, opFrom: number): void {
    const labels = this.labelNames(matching.labels);
    const include = this.labelNames(matching.include);
    if (!matching.on) return;
    for (const label of labels.filter((l) => include.includes(l)))
      this.report(
        { from: opFrom },
        `label ${JSON.stringify(label)} must not occur in ON and GROUP clause at once`,
      );
  }

  /** A label name as written: unquoted, or quoted (UTF-8 names) and then unquoted. */
  private labelName(label: Literal): string | undefined {
    const text = this.texts.textOf(label);
    const first = text[0];
    return first === '"' || first === "'" || first === '`' ? this.checkString(label) : text;
  }

  /** The names of a grouping list; an empty quoted name is refused. */
  private labelNames(labels: readonly Literal[]): string[] {
    const names: string[] = [];
    for (const label of labels) {
      const name = this.labelName(label);
      if (name === '') this.report(label, 'invalid label name for grouping: ""');
      if (name !== undefined) names.push(name);
    }
    return names;
  }

  private checkNumber(node: Literal): void {
    const text = this.texts.textOf(node);
    const value = durationSeconds(text);
    if (value !== undefined && Math.abs(value) === Infinity && !/inf/i.test(text))
      this.report(node, `error parsing number: ${text.slice(0, 20)}… is out of range`);
  }

  private checkPositiveDuration(node: Literal): void {
    const seconds = durationSeconds(this.texts.textOf(node));
    if (seconds === undefined) return;
    if (Math.abs(seconds) > MAX_DURATION_SECONDS) this.report(node, 'duration out of range');
    else if (seconds <= 0) this.report(node, 'duration must be greater than 0');
  }
}

function argumentCountProblem(name: string, fn: PromqlFunction, given: number): string | undefined {
  if (fn.variadic === 0) {
    return given === fn.args.length
      ? undefined
      : `expected ${fn.args.length} argument(s) in call to ${JSON.stringify(name)}, got ${given}`;
  }
  const required = fn.args.length - 1;
  if (given < required)
    return `expected at least ${required} argument(s) in call to ${JSON.stringify(name)}, got ${given}`;
  if (fn.variadic > 0 && given > required + fn.variadic)
    return `expected at most ${required + fn.variadic} argument(s) in call to ${JSON.stringify(name)}, got ${given}`;
  return undefined;
}

/**
 * Seconds of a PromQL number or duration literal, remembered: a generated stack writes the same few
 * (`5m`, `1h`, `0.05`) in thousands of expressions, and each takes several regexes to read.
 */
const durationSeconds = boundedMemo(readSeconds, 1_000);

/** Seconds of a PromQL number or duration literal (`5m`, `1h30m`, `0x1F`, `1_000`, `-Inf`). */
function readSeconds(literal: string): number | undefined {
  const sign = literal.startsWith('-') ? -1 : 1;
  const body = literal.replace(/^[-+]/, '').replace(/_/g, '');
  if (/^inf$/i.test(body)) return sign * Infinity;
  if (/^nan$/i.test(body)) return NaN;
  if (/^0x[0-9a-f]+$/i.test(body)) return sign * parseInt(body, 16);
  if (/^(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(body)) return sign * Number(body);
  const ms = parseDuration(body);
  return ms === undefined ? undefined : (sign * ms) / 1000;
}

/** The value of a PromQL string literal, or why Prometheus's lexer refuses its escapes. */
function unquote(literal: string): string | { error: string } {
  const quote = literal[0];
  const body = literal.slice(1, -1);
  if (quote === '`') return body;
  // Without an escape or a line break, goUnquote returns the body as it is (one character at a time).
  if (!body.includes('\\') && !body.includes('\n')) return body;
  return goUnquote(body, { rawBytes: 'latin1', quote: quote === "'" ? "'" : '"' });
}

/** Whether a label matcher selects series that lack the label (Prometheus's `Matches("")`). */
function matchesEmpty(op: string, value: string): boolean {
  switch (op) {
    case '=':
      return value === '';
    case '!=':
      return value !== '';
    case '=~':
      return re2FullMatch(value, '');
    case '!~':
      return !re2FullMatch(value, '');
    default:
      return false;
  }
}
