import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unifiedDiff } from './line-diff';
import { removeTempDirs, tempDir } from './testing';

/** Pseudo-random lines from a small alphabet, so that texts share many lines in shuffled order. */
function lines(count: number, seed: number, finalNewline: boolean): string {
  let x = seed;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(`line ${x % 7}`);
  }
  return out.join('\n') + (finalNewline && count > 0 ? '\n' : '');
}

describe('unifiedDiff', () => {
  afterAll(removeTempDirs);

  it('prints hunks with three lines of context, like diff -u', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\nh\ni\n';
    const after = 'a\nb\nc\nd\nE\nf\ng\nh\ni\nj\n';
    expect(unifiedDiff('x.yml', before, after)).toBe(
      '--- a/x.yml\n+++ b/x.yml\n@@ -2,8 +2,9 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n i\n+j\n',
    );
  });

  it('shows added and removed files against /dev/null, and nothing for equal texts', () => {
    expect(unifiedDiff('n.yml', undefined, 'a\nb\n')).toBe(
      '--- /dev/null\n+++ b/n.yml\n@@ -0,0 +1,2 @@\n+a\n+b\n',
    );
    expect(unifiedDiff('o.yml', 'a\n', undefined)).toBe('--- a/o.yml\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-a\n');
    expect(unifiedDiff('s.yml', 'a\n', 'a\n')).toBe('');
  });

  it('marks a missing final newline', () => {
    expect(unifiedDiff('f', 'a\nb', 'a\nb\n')).toBe(
      '--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n',
    );
  });

  it('produces patches that git apply turns the old text into the new one', () => {
    const dir = tempDir();
    execFileSync('git', ['init', '--quiet'], { cwd: dir });
    for (let seed = 1; seed <= 60; seed++) {
      const before = lines(seed % 23, seed, seed % 5 !== 0);
      const after = lines((seed * 7) % 19, seed * 3 + 1, seed % 3 !== 0);
      if (before === after) continue;
      writeFileSync(join(dir, 'f'), before);
      writeFileSync(join(dir, 'p.diff'), unifiedDiff('f', before, after));
      execFileSync('git', ['apply', '--unidiff-zero', 'p.diff'], { cwd: dir });
      expect(readFileSync(join(dir, 'f'), 'utf8')).toBe(after);
    }
  });
});
