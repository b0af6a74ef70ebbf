import { resolve } from 'node:path';
import { compareText, formatIssue } from '../components/model/errors';
import { EXIT, noPositionals, parseCommandArgs, requireOption, stringOption, UsageError } from './args';
import { startBaseRender, type BaseOutcome, type BaseRender } from './base-render';
import { withBaseCheckout } from './git-base';
import { paint, printJson, type Io } from './io';
import { unifiedDiff } from './line-diff';
import { PAGING_UNKNOWN, pagingChanges, pagingSummary, type PagingChange } from './paging';
import { formatChange, semanticChanges, type DiffSide, type SemanticChange } from './semantic';
import { PROJECT_ROOT, validationIssues } from './stacks';
import { reportIssues } from './synth';
import { loadTree, synthWith } from './tree';

interface Side extends DiffSide {
  label: string;
  note?: string;
}

export async function diffCommand(args: readonly string[], io: Io): Promise<number> {
  const parsed = parseCommandArgs(
    args,
    {
      stack: { type: 'string' },
      base: { type: 'string' },
      against: { type: 'string' },
      root: { type: 'string' },
      'exit-code': { type: 'boolean' },
      summary: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    'diff',
  );
  noPositionals(parsed, 'diff');
  const stack = requireOption(parsed, 'stack', 'diff');
  const root = resolve(stringOption(parsed, 'root') ?? PROJECT_ROOT);
  const against = stringOption(parsed, 'against');
  const base = stringOption(parsed, 'base');
  const json = parsed.values.json === true;
  if (against !== undefined && base !== undefined) {
    throw new UsageError('give --base or --against, not both (see: promstack diff --help)');
  }
  const summary = parsed.values.summary === true;
  if (summary && json) {
    throw new UsageError('give --summary or --json, not both: --json has the paging changes too');
  }

  const tree = loadTree(PROJECT_ROOT);
  const rendered = (name: string): Required<DiffSide> | undefined => {
    try {
      const result = synthWith(tree, root, name);
      return { files: result.files, rendered: result.rendered };
    } catch (error) {
      const issues = validationIssues(error);
      if (!issues) throw error;
      reportIssues(io, json, name, issues);
      return undefined;
    }
  };
  // The base commit renders on its own thread while this one renders the working tree.
  const baseSide = against === undefined ? renderAtRef(base ?? 'HEAD', stack, root, io) : undefined;
  const after = rendered(stack);
  if (!after) {
    // As when the base was rendered second: the working tree's errors alone, whatever the base holds.
    await baseSide?.cancel();
    return EXIT.findings;
  }
  let before: Side;
  if (baseSide) {
    before = await baseSide.side;
  } else {
    const other = rendered(against!);
    if (!other) return EXIT.findings;
    before = { label: `stack ${against}`, ...other };
  }

  const changes = semanticChanges(before, after);
  const paging = pagingOf(before, after);
  const paths = [...new Set([...Object.keys(before.files), ...Object.keys(after.files)])].sort(compareText);
  const files = paths.flatMap((path) => {
    const a = before.files[path];
    const b = after.files[path];
    if (a === b) return [];
    return [{ path, status: a === undefined ? 'added' : b === undefined ? 'removed' : 'changed' }];
  });
  const diff = files.map((f) => unifiedDiff(f.path, before.files[f.path], after.files[f.path])).join('');
  const newSide = against !== undefined ? `stack ${stack}` : `stack ${stack} in the working tree`;

  if (json) {
    printJson(io, {
      // Like every command's document: true exactly when the exit code is 0.
      ok: !(files.length > 0 && parsed.values['exit-code']),
      stack,
      base: against !== undefined ? { stack: against } : { ref: base ?? 'HEAD', note: before.note },
      changes,
      paging: paging ?? null,
      files,
      diff,
    });
  } else if (summary) {
    io.out(pagingSummary({ stack, base: before.label, note: before.note, paging, files }));
  } else {
    io.out(`${paint(io, 'bold', 'promstack diff')}: ${before.label} (a/) → ${newSide} (b/)\n`);
    if (before.note) io.out(`${paint(io, 'yellow', 'note')}: ${before.note}\n`);
    if (files.length === 0) {
      io.out('No changes: the rendered files are identical.\n');
    } else {
      printPaging(io, paging);
      printChanges(io, changes);
      const count = (status: string) => files.filter((f) => f.status === status).length;
      io.out(
        `\n${paint(io, 'bold', 'Files')}: ${count('changed')} changed, ${count('added')} added, ${count('removed')} removed\n\n`,
      );
      io.out(colorDiff(io, diff));
    }
  }
  return files.length > 0 && parsed.values['exit-code'] ? EXIT.findings : EXIT.ok;
}

/**
 * The old side for --base: the stack as the commit's own code renders it, started on a worker thread
 * (base-render.ts). Its warnings are written once the side is awaited; `cancel` stops it unseen.
 */
function renderAtRef(
  ref: string,
  stack: string,
  root: string,
  io: Io,
): { side: Promise<Side>; cancel(): Promise<void> } {
  let render: BaseRender | undefined;
  const side = withBaseCheckout(PROJECT_ROOT, ref, async ({ top, dir, commit }) => {
    render = startBaseRender({ top, dir, projectRoot: PROJECT_ROOT, root, stack });
    return sideOf(await render.outcome, `${ref} (${commit.slice(0, 12)})`, stack, ref, io);
  });
  return {
    side,
    cancel: async () => {
      await render?.cancel();
      await side.catch(() => undefined);
    },
  };
}

function sideOf(outcome: BaseOutcome, label: string, stack: string, ref: string, io: Io): Side {
  switch (outcome.kind) {
    case 'rendered':
      return { label, files: outcome.files, ...(outcome.rendered ? { rendered: outcome.rendered } : {}) };
    case 'missing':
      return { label, files: {}, note: `stack ${stack} does not exist at ${ref}: everything is new` };
    case 'usage':
      throw new UsageError(outcome.message);
    case 'invalid':
    case 'failed':
      // A base that does not render is compared as empty, so that a change that repairs it can be reviewed.
      io.err(`${paint(io, 'yellow', `warning: stack ${stack} does not render at ${ref}`)}:\n`);
      if (outcome.kind === 'invalid') for (const issue of outcome.issues) io.err(`  ${formatIssue(issue)}\n`);
      else io.err(`  ${outcome.message}\n`);
      return { label, files: {}, note: `stack ${stack} does not render at ${ref}: compared with nothing` };
  }
}

/**
 * Paging changes need the base's typed objects: a base whose synth predates them (only files) says
 * nothing about paging, while a base without the stack (no files) pages no one.
 */
function pagingOf(before: Side, after: Required<DiffSide>): PagingChange[] | undefined {
  if (before.rendered) return pagingChanges(before.rendered, after.rendered);
  return Object.keys(before.files).length === 0 ? pagingChanges(undefined, after.rendered) : undefined;
}

function printPaging(io: Io, paging: readonly PagingChange[] | undefined): void {
  if (!paging) {
    io.out(`\n${paint(io, 'bold', 'Paging changes')}: unknown (${PAGING_UNKNOWN})\n`);
    return;
  }
  io.out(
    `\n${paint(io, 'bold', `Paging changes (${paging.length})`)}:${paging.length === 0 ? ' none' : ''}\n`,
  );
  for (const change of paging) io.out(`  ${paint(io, 'yellow', change.text)}\n`);
}

function printChanges(io: Io, changes: readonly SemanticChange[]): void {
  io.out(`\n${paint(io, 'bold', `Changes (${changes.length})`)}:\n`);
  for (const change of changes) {
    const style = change.op === 'added' ? 'green' : change.op === 'removed' ? 'red' : 'yellow';
    io.out(`  ${paint(io, style, formatChange(change))}\n`);
  }
}

function colorDiff(io: Io, diff: string): string {
  if (!io.color) return diff;
  return diff.replace(/^.*$/gm, (line) => {
    if (line.startsWith('+++') || line.startsWith('---')) return paint(io, 'bold', line);
    if (line.startsWith('@@')) return paint(io, 'cyan', line);
    if (line.startsWith('+')) return paint(io, 'green', line);
    if (line.startsWith('-')) return paint(io, 'red', line);
    return line;
  });
}
