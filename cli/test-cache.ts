import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { SynthResult } from '../components/stack';
import { findTool } from '../components/tools/binaries';

/**
 * Passing verdicts of `promtool test rules` kept between runs of `promstack check --cache DIR`: one
 * empty file per passing test unit (cli/test-units.ts) or test file run whole, named by the SHA-256 of
 * everything promtool reads for it, so that it is run again as soon as any of that changes:
 * - the promtool binary (its resolved path, size and modification time),
 * - the test file's path and text (a unit's text: its names are those of the unit),
 * - the path and text of every rule file it loads.
 * A failure is never kept. A test file that loads a file synth did not render (a glob, a file outside
 * the output) gets no key and always runs.
 */
export class TestCache {
  private readonly tool: string;

  constructor(private readonly dir: string) {
    const binary = realpathSync(findTool('promtool'));
    const { size, mtimeMs } = statSync(binary);
    this.tool = `${binary}\0${size}\0${mtimeMs}`;
  }

  /** The key of each test file of the result that has one. */
  keys(result: Pick<SynthResult, 'files' | 'rendered'>): Map<string, string> {
    const keys = new Map<string, string>();
    for (const [path, test] of Object.entries(result.rendered.ruleTests)) {
      const text = result.files[path];
      if (text === undefined) continue;
      const hash = createHash('sha256').update(`${this.tool}\0${path}\0${text}`);
      const loaded = (test.rule_files ?? []).map((file) =>
        posix.normalize(posix.join(posix.dirname(path), file)),
      );
      if (loaded.some((file) => result.files[file] === undefined)) continue;
      for (const file of loaded) hash.update(`\0${file}\0${result.files[file]}`);
      keys.set(path, hash.digest('hex'));
    }
    return keys;
  }

  /** The key of a unit `promstack check` runs in place of test groups: its test file and rule files. */
  unitKey(test: string, rules: Readonly<Record<string, string>>): string {
    const hash = createHash('sha256').update(`${this.tool}\0unit\0${test}`);
    for (const [name, text] of Object.entries(rules)) hash.update(`\0${name}\0${text}`);
    return hash.digest('hex');
  }

  passed(key: string | undefined): boolean {
    return key !== undefined && existsSync(join(this.dir, key));
  }

  remember(keys: Iterable<string>): void {
    mkdirSync(this.dir, { recursive: true });
    for (const key of keys) writeFileSync(join(this.dir, key), '');
  }
}
