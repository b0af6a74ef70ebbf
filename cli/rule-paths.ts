import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { compareText } from '../components/model/errors';
import { UsageError } from './args';

const RULE_FILE = /\.ya?ml$/;
const GLOB_CHARS = /[*?[]/;

/**
 * The rule files that `rules check` arguments name: a file as it is, a folder as every .yml/.yaml file
 * below it, and a glob (`'vendor/**\/*.yml'`, quoted so that the shell leaves it) as the files it
 * matches. Each file once, in the order named; an argument that names nothing is a usage error.
 */
export function ruleFilePaths(args: readonly string[]): string[] {
  const files: string[] = [];
  for (const arg of args) {
    const matched = existsSync(arg)
      ? statSync(arg).isDirectory()
        ? filesBelow(arg).filter((file) => RULE_FILE.test(file))
        : [arg]
      : GLOB_CHARS.test(arg)
        ? globMatches(arg)
        : undefined;
    if (matched === undefined) throw new UsageError(`${arg}: no such file or folder`);
    if (matched.length === 0)
      throw new UsageError(`${arg}: matches no rule file (.yml or .yaml); check the path or the pattern`);
    for (const file of matched) if (!files.includes(file)) files.push(file);
  }
  return files;
}

function filesBelow(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => compareText(a.name, b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesBelow(path));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}

/** Files matching a glob: `*` and `?` within a path segment, `**` across segments, `[…]` classes. */
function globMatches(pattern: string): string[] {
  const segments = pattern.split('/');
  const fixed = segments.findIndex((segment) => GLOB_CHARS.test(segment));
  const base = segments.slice(0, fixed).join('/') || (pattern.startsWith('/') ? '/' : '.');
  if (!existsSync(base) || !statSync(base).isDirectory()) return [];
  const matcher = globRegExp(segments.slice(fixed).join('/'));
  return filesBelow(base).filter((file) => matcher.test(relative(base, file).split(sep).join('/')));
}

function globRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i += 1) {
    const ch = glob[i];
    if (ch === '*' && glob[i + 1] === '*') {
      source += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else if (ch === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) source += '\\[';
      else {
        source += `[${glob
          .slice(i + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else source += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
