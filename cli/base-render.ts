import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ValidationIssue } from '../components/model/errors';
import type { SynthResult } from '../components/stack';
import { UsageError } from './args';
import { mapInto } from './git-base';
import { hasStack, validationIssues } from './stacks';
import { loadTree, synthWith } from './tree';

/** Where the base checkout is and what to render from it (all plain data: it crosses to a thread). */
export interface BaseRequest {
  /** The top of this repository, and its checkout of the base commit. */
  top: string;
  dir: string;
  /** This project's root and the folder of the stack files, both in this checkout. */
  projectRoot: string;
  root: string;
  stack: string;
}

/** What rendering the base gave: its files and typed objects, or why there are none. */
export type BaseOutcome =
  | { kind: 'rendered'; files: Record<string, string>; rendered?: SynthResult['rendered'] }
  | { kind: 'missing' }
  | { kind: 'usage'; message: string }
  | { kind: 'invalid'; issues: ValidationIssue[] }
  | { kind: 'failed'; message: string };

/** Renders the stack as the base commit's own code renders it; errors become outcomes. */
export function renderBase(request: BaseRequest): BaseOutcome {
  const { top, dir, projectRoot, root, stack } = request;
  const configRoot = mapInto(top, dir, root);
  try {
    if (!hasStack(configRoot, stack)) return { kind: 'missing' };
    // A base from before synth returned typed objects has only its files (semantic.ts reads them).
    const result = synthWith(loadTree(mapInto(top, dir, projectRoot)), configRoot, stack) as Partial<
      Pick<SynthResult, 'rendered'>
    > &
      Pick<SynthResult, 'files'>;
    return {
      kind: 'rendered',
      files: result.files,
      ...(result.rendered ? { rendered: result.rendered } : {}),
    };
  } catch (error) {
    if (error instanceof UsageError) return { kind: 'usage', message: error.message };
    const issues = validationIssues(error);
    if (issues) return { kind: 'invalid', issues: [...issues] };
    return { kind: 'failed', message: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
}

/** A base being rendered on its own thread: its outcome, or stop it when it is no longer wanted. */
export interface BaseRender {
  outcome: Promise<BaseOutcome>;
  cancel(): Promise<void>;
}

/**
 * Renders the base on a worker thread, so that the working tree's synth runs beside it: the two are
 * independent, and on two cores `diff --base` takes about one synth instead of two. The thread loads the
 * base's code as the main thread would (tsx, the checkout's own modules); the result crosses by structured
 * clone, which keeps plain data exactly (base-render.test.ts).
 */
export function startBaseRender(request: BaseRequest): BaseRender {
  const worker = new Worker(join(__dirname, 'base-render-worker.js'), { workerData: request });
  let cancelled = false;
  const outcome = new Promise<BaseOutcome>((resolve, reject) => {
    worker.once('message', (message: BaseOutcome) => resolve(message));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (cancelled) resolve({ kind: 'failed', message: 'cancelled' });
      else reject(new Error(`the thread rendering the base stopped (exit ${code}) before it answered`));
    });
  });
  return {
    outcome,
    cancel: async () => {
      cancelled = true;
      await worker.terminate();
    },
  };
}
