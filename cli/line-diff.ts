/**
 * A small unified diff of two texts (what `diff -u` prints), enough for reviewing rendered configs:
 * common lines at both ends are set aside, the middle is aligned by longest common subsequence.
 */

type Op = { kind: ' ' | '-' | '+'; line: string };

/** Above this many cells the middle is shown as replaced wholesale instead of aligned line by line. */
const MAX_CELLS = 4_000_000;

/** Marks a last line without a final newline, so that adding or dropping that newline is a change. */
const NO_NEWLINE = '\u0000no-newline';

function splitLines(text: string): string[] {
  if (text === '') return [];
  if (text.endsWith('\n')) return text.slice(0, -1).split('\n');
  const lines = text.split('\n');
  lines[lines.length - 1] += NO_NEWLINE;
  return lines;
}

function editScript(a: readonly string[], b: readonly string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ops: Op[] = a.slice(0, start).map((line) => ({ kind: ' ', line }));
  ops.push(...alignMiddle(a.slice(start, endA), b.slice(start, endB)));
  ops.push(...a.slice(endA).map((line): Op => ({ kind: ' ', line })));
  return ops;
}

function alignMiddle(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0 || n * m > MAX_CELLS) {
    return [...a.map((line): Op => ({ kind: '-', line })), ...b.map((line): Op => ({ kind: '+', line }))];
  }
  // lcs[i][j] = length of the LCS of a[i..] and b[j..], in one flat array.
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? lcs[(i + 1) * width + j + 1] + 1
          : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i] });
      i++;
      j++;
    } else if (lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) {
      ops.push({ kind: '-', line: a[i++] });
    } else {
      ops.push({ kind: '+', line: b[j++] });
    }
  }
  while (i < n) ops.push({ kind: '-', line: a[i++] });
  while (j < m) ops.push({ kind: '+', line: b[j++] });
  return ops;
}

/**
 * Unified diff of one file; '' when the texts are equal. `before` or `after` undefined means the file
 * is added or removed (shown against /dev/null, as git does).
 */
export function unifiedDiff(
  path: string,
  before: string | undefined,
  after: string | undefined,
  context = 3,
): string {
  if (before === after) return '';
  const ops = editScript(splitLines(before ?? ''), splitLines(after ?? ''));
  // Line numbers (0-based counts of lines before each op) in the old and the new text.
  const posA: number[] = [];
  const posB: number[] = [];
  let lineA = 0;
  let lineB = 0;
  for (const op of ops) {
    posA.push(lineA);
    posB.push(lineB);
    if (op.kind !== '+') lineA++;
    if (op.kind !== '-') lineB++;
  }
  const changed = ops.flatMap((op, k) => (op.kind === ' ' ? [] : [k]));
  const hunks: string[] = [];
  for (let k = 0; k < changed.length;) {
    let end = k;
    while (end + 1 < changed.length && changed[end + 1] - changed[end] <= 2 * context) end++;
    const from = Math.max(0, changed[k] - context);
    const to = Math.min(ops.length - 1, changed[end] + context);
    const slice = ops.slice(from, to + 1);
    const countA = slice.filter((op) => op.kind !== '+').length;
    const countB = slice.filter((op) => op.kind !== '-').length;
    // An empty side names the line before the hunk, as diff -u does.
    const startA = countA === 0 ? posA[from] : posA[from] + 1;
    const startB = countB === 0 ? posB[from] : posB[from] + 1;
    hunks.push(`@@ -${startA},${countA} +${startB},${countB} @@\n`);
    for (const op of slice) {
      const text = op.line.endsWith(NO_NEWLINE)
        ? `${op.line.slice(0, -NO_NEWLINE.length)}\n\\ No newline at end of file`
        : op.line;
      hunks.push(`${op.kind}${text}\n`);
    }
    k = end + 1;
  }
  const from = before === undefined ? '/dev/null' : `a/${path}`;
  const to = after === undefined ? '/dev/null' : `b/${path}`;
  return `--- ${from}\n+++ ${to}\n${hunks.join('')}`;
}
