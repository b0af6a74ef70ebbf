import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const RULES_DIR = join(__dirname, 'rules');

/** Existing rule files deployed beside the generated ones: every .yml in infra/rules/, by file name. */
export function vendoredRuleFiles(dir = RULES_DIR): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir)
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()) {
    files[name] = readFileSync(join(dir, name), 'utf8');
  }
  return files;
}
