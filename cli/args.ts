import { findTool, type ToolName } from '../components/tools/binaries';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Exit codes every command documents. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

/** A mistake in the command line, or something the command needs that is missing: exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Strict parsing: an unknown flag or a missing value is a usage error naming the flag. */
export function parseCommandArgs(args: readonly string[], options: Options, command: string): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Parsed['values'], positionals };
  } catch (error) {
    throw new UsageError(`${describeParseError(error)} (see: promstack ${command} --help)`);
  }
}

/** node:util's messages are long and suggest `--` tricks; say what is wrong in a few words. */
function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}`;
  const positional = /^Unexpected argument '([^']+)'/.exec(message);
  if (positional) return `unexpected argument ${positional[1]}`;
  return message;
}

/** A string option the command cannot do without. */
export function requireOption(parsed: Parsed, name: string, command: string): string {
  const value = parsed.values[name];
  if (typeof value !== 'string' || value === '') {
    throw new UsageError(`--${name} is required (see: promstack ${command} --help)`);
  }
  return value;
}

export function stringOption(parsed: Parsed, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function noPositionals(parsed: Parsed, command: string): void {
  if (parsed.positionals.length > 0) {
    throw new UsageError(
      `unexpected argument ${JSON.stringify(parsed.positionals[0])} (see: promstack ${command} --help)`,
    );
  }
}

/** Every tool the command runs must be there (npm run tools installs them); a usage error names the missing one. */
export function requireTools(...tools: ToolName[]): void {
  for (const tool of tools) {
    try {
      findTool(tool);
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
  }
}

/**
 * Calls `handler` on SIGINT and SIGTERM (Ctrl-C, a CI timeout) instead of exiting, so that a command can
 * stop what it started; returns the function that removes it.
 */
export function onStopSignals(handler: (signal: NodeJS.Signals) => void): () => void {
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
