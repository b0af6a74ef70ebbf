/** One problem found in user input, located by the dotted path of the object that holds it. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/**
 * Every problem found in one validation pass. Thrown before anything is rendered or deployed, so that a
 * user fixes all of them in one round instead of one per run.
 */
export class ValidationError extends Error {
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[]) {
    const sorted = [...issues].sort(
      (a, b) => compareText(a.path, b.path) || compareText(a.message, b.message),
    );
    super(
      `${sorted.length} validation error${sorted.length === 1 ? '' : 's'}:\n` +
        sorted.map((issue) => `  ${formatIssue(issue)}`).join('\n'),
    );
    this.name = 'ValidationError';
    this.issues = sorted;
  }
}

export function formatIssue(issue: ValidationIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

/** Code-unit order, never locale order: the same on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Keys that name the element of an array in error paths, so that `rules[HighErrorRate]` beats `rules[3]`. */
const ELEMENT_NAME_KEYS = ['name', 'job_name', 'alert', 'record'] as const;

/**
 * Formats a path through `input`: object keys are joined with dots, array elements are written
 * `[name]` when the element has a name (see ELEMENT_NAME_KEYS), `[index]` otherwise.
 */
export function formatPath(input: unknown, path: readonly PropertyKey[], prefix = ''): string {
  let text = prefix;
  let node: unknown = input;
  for (const segment of path) {
    if (typeof segment === 'number') {
      const element = Array.isArray(node) ? node[segment] : undefined;
      text += `[${elementName(element) ?? segment}]`;
      node = element;
    } else {
      const key = String(segment);
      text += text ? `.${key}` : key;
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return text;
}

function elementName(element: unknown): string | undefined {
  if (element === null || typeof element !== 'object') return undefined;
  for (const key of ELEMENT_NAME_KEYS) {
    const value = (element as Record<string, unknown>)[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/** Collects issues under a path prefix; `throwIfAny` ends a validation pass. */
export class IssueCollector {
  readonly issues: ValidationIssue[] = [];

  add(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  addAll(issues: readonly ValidationIssue[]): void {
    this.issues.push(...issues);
  }

  throwIfAny(): void {
    if (this.issues.length > 0) throw new ValidationError(this.issues);
  }
}
