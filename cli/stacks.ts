import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, YAMLParseError } from 'yaml';
import { compareText, ValidationError, type ValidationIssue } from '../components/model/errors';
import { UsageError } from './args';

/** The repository this CLI belongs to: its Pulumi.<env>.yaml files and its code. */
export const PROJECT_ROOT = resolve(__dirname, '..');

const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const STACK_FILE = /^Pulumi\.([A-Za-z0-9][A-Za-z0-9_.-]*)\.yaml$/;
const STACK_KEY = 'promstack:stack';

/** Stack names that have a Pulumi.<env>.yaml in `root`, sorted. */
export function listStacks(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((name) => STACK_FILE.exec(name)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort(compareText);
}

export function stackFileName(environment: string): string {
  return `Pulumi.${environment}.yaml`;
}

/** Whether the stack file exists; a bad name is a usage error before any file is touched. */
export function hasStack(root: string, environment: string): boolean {
  checkStackName(environment);
  return existsSync(join(root, stackFileName(environment)));
}

function checkStackName(environment: string): void {
  if (!STACK_NAME.test(environment)) {
    throw new UsageError(
      `invalid stack name ${JSON.stringify(environment)}: use letters, digits, ".", "_" and "-"`,
    );
  }
}

/**
 * The `promstack:stack` object of `Pulumi.<env>.yaml`. Only that key is taken: the stack's secrets
 * (`promstack:secrets`, `secure:` ciphertexts) are never looked at, let alone printed.
 */
export function readStackInput(root: string, environment: string): unknown {
  checkStackName(environment);
  const name = stackFileName(environment);
  const file = join(root, name);
  if (!existsSync(file)) {
    const known = listStacks(root);
    throw new UsageError(
      `no stack ${environment}: ${file} does not exist` +
        (known.length > 0 ? ` (stacks: ${known.join(', ')})` : ' (no Pulumi.<env>.yaml in that folder)'),
    );
  }
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const message = error instanceof YAMLParseError ? error.message.split('\n')[0] : String(error);
    throw new ValidationError([{ path: name, message: `not valid YAML: ${message}` }]);
  }
  const config = isRecord(doc) && isRecord(doc.config) ? doc.config : undefined;
  if (!config || !(STACK_KEY in config)) {
    throw new ValidationError([
      {
        path: `${name}: config.${STACK_KEY}`,
        message: `missing: put the stack config under config: ${JSON.stringify(STACK_KEY)}: (see Pulumi.dev.yaml)`,
      },
    ]);
  }
  return config[STACK_KEY];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Validation errors of this tree or of another tree's copy of the model (a git base loads its own
 * classes, so `instanceof` cannot be used).
 */
export function validationIssues(error: unknown): readonly ValidationIssue[] | undefined {
  if (error instanceof ValidationError) return error.issues;
  if (
    error instanceof Error &&
    error.name === 'ValidationError' &&
    Array.isArray((error as { issues?: unknown }).issues)
  ) {
    return (error as unknown as { issues: ValidationIssue[] }).issues;
  }
  return undefined;
}
