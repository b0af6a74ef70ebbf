import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { UsageError } from './args';

function git(cwd: string, args: readonly string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The commit a ref names, or a usage error that says how to make it available. */
export function resolveCommit(repo: string, ref: string): string {
  try {
    return git(repo, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new UsageError(
      `unknown git ref ${JSON.stringify(ref)}: fetch it first (in CI: actions/checkout with fetch-depth: 0)`,
    );
  }
}

export function repositoryTop(dir: string): string {
  try {
    return git(dir, ['rev-parse', '--show-toplevel']);
  } catch {
    throw new UsageError(`${dir} is not inside a git repository: --base needs one`);
  }
}

/** Where a folder of this checkout is in another checkout of the same repository. */
export function mapInto(top: string, checkout: string, dir: string): string {
  const rel = relative(top, resolve(dir));
  return rel.startsWith('..') || isAbsolute(rel) ? resolve(dir) : join(checkout, rel);
}

/**
 * Runs `use` on a checkout of `ref` in a temporary git worktree, then removes it. The worktree gets a
 * link to this checkout's node_modules, so that the base's own TypeScript runs with the installed
 * packages (a worktree has only tracked files); the link is removed before the worktree is.
 */
export async function withBaseCheckout<T>(
  projectRoot: string,
  ref: string,
  use: (checkout: { top: string; dir: string; commit: string }) => Promise<T> | T,
): Promise<T> {
  const top = repositoryTop(projectRoot);
  const commit = resolveCommit(top, ref);
  const parent = mkdtempSync(join(tmpdir(), 'promstack-base-'));
  const dir = join(parent, 'tree');
  let link: string | undefined;
  try {
    git(top, ['worktree', 'add', '--detach', '--quiet', dir, commit]);
    const modules = join(mapInto(top, dir, projectRoot), 'node_modules');
    if (!existsSync(modules)) {
      symlinkSync(join(projectRoot, 'node_modules'), modules, 'dir');
      link = modules;
    }
    return await use({ top, dir, commit });
  } finally {
    if (link && lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) unlinkSync(link);
    try {
      git(top, ['worktree', 'remove', '--force', dir]);
    } catch {
      // Already gone or never added; prune drops the bookkeeping either way.
    }
    try {
      git(top, ['worktree', 'prune']);
    } catch {
      // Nothing to prune.
    }
    rmSync(parent, { recursive: true, force: true });
  }
}
