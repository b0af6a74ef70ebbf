/**
 * Grafana's global variables (https://grafana.com/docs/grafana/latest/dashboards/variables/add-template-variables/#global-variables)
 * plus the Prometheus datasource's own; a query may use them without defining them.
 */
export const GRAFANA_BUILTIN_VARIABLES: readonly string[] = [
  '__auto',
  '__dashboard',
  '__from',
  '__interval',
  '__interval_ms',
  '__name',
  '__org',
  '__range',
  '__range_ms',
  '__range_s',
  '__rate_interval',
  '__rate_interval_ms',
  '__timezone',
  '__to',
  '__user',
  'timeFilter',
  '__timeFilter',
];

/** Where a variable stands in a query, which decides what it must become to stay valid PromQL. */
export type MacroContext = 'string' | 'duration' | 'value';

export interface GrafanaVariableRef {
  name: string;
  /** The `fmt` of `${name:fmt}` or `[[name:fmt]]`. */
  format?: string;
  /** Offsets of the reference in the query, end exclusive. */
  start: number;
  end: number;
  context: MacroContext;
}

// Grafana's own variable syntax (public/app/features/variables/utils.ts): $name, [[name:fmt]], ${name.path:fmt}.
const VARIABLE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:}]+))?(?::([^}]+))?\}/y;

/**
 * Every Grafana variable reference in a PromQL query, in order, with its context: inside a quoted string
 * (label matcher text), inside `[...]` or after `offset` (a duration), or anywhere else (a number).
 * `$1`-style references are regex back-references of label_replace, not variables.
 */
export function grafanaVariableRefs(expr: string): GrafanaVariableRef[] {
  const refs: GrafanaVariableRef[] = [];
  // Most queries refer to no variable at all: no need to follow their quotes and brackets.
  if (!expr.includes('$') && !expr.includes('[[')) return refs;
  let quote: string | undefined;
  let bracketDepth = 0;
  let i = 0;
  while (i < expr.length) {
    const ch = expr[i];
    if (quote !== undefined && ch === '\\' && quote !== '`') {
      i += 2;
      continue;
    }
    if (quote !== undefined && ch === quote) {
      quote = undefined;
      i++;
      continue;
    }
    if (ch === '$' || (ch === '[' && expr[i + 1] === '[')) {
      VARIABLE.lastIndex = i;
      const match = VARIABLE.exec(expr);
      if (match) {
        const name = match[1] ?? match[2] ?? match[4];
        if (!/^\d+$/.test(name)) {
          const context: MacroContext =
            quote !== undefined
              ? 'string'
              : bracketDepth > 0 || /\boffset\s*-?\s*$/i.test(expr.slice(0, i))
                ? 'duration'
                : 'value';
          refs.push({ name, format: match[3] ?? match[6], start: i, end: i + match[0].length, context });
        }
        i += match[0].length;
        continue;
      }
    }
    if (quote === undefined) {
      if (ch === '"' || ch === "'" || ch === '`') quote = ch;
      else if (ch === '[') bracketDepth++;
      else if (ch === ']') bracketDepth = Math.max(0, bracketDepth - 1);
      else if (ch === '#') {
        // A PromQL comment runs to the end of the line.
        const newline = expr.indexOf('\n', i);
        i = newline === -1 ? expr.length : newline;
        continue;
      }
    }
    i++;
  }
  return refs;
}

/** What a variable becomes when the caller gives no value: something that keeps the query valid PromQL. */
const PLACEHOLDER: Record<Exclude<MacroContext, 'string'>, string> = { duration: '5m', value: '1' };

/**
 * Replaces Grafana variables so that a query becomes plain PromQL for lezer or promtool: `5m` inside
 * `[...]` and after `offset`, `1` elsewhere, and untouched inside quoted strings (there it is label-matcher
 * text, valid as it is). A value in `values` wins everywhere, strings included, so that a test can run the
 * query against a real Prometheus: `{ job: 'prometheus', __rate_interval: '1m' }`.
 */
export function substituteGrafanaMacros(expr: string, values: Readonly<Record<string, string>> = {}): string {
  return substituteGrafanaRefs(expr, grafanaVariableRefs(expr), values);
}

/** substituteGrafanaMacros with the references of `expr` already found, for a caller that needs them too. */
export function substituteGrafanaRefs(
  expr: string,
  refs: readonly GrafanaVariableRef[],
  values: Readonly<Record<string, string>> = {},
): string {
  if (refs.length === 0) return expr;
  let out = '';
  let last = 0;
  for (const ref of refs) {
    const given = Object.prototype.hasOwnProperty.call(values, ref.name) ? values[ref.name] : undefined;
    const replacement =
      given ?? (ref.context === 'string' ? expr.slice(ref.start, ref.end) : PLACEHOLDER[ref.context]);
    out += expr.slice(last, ref.start) + replacement;
    last = ref.end;
  }
  return out + expr.slice(last);
}
