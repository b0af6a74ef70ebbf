import { join, relative, resolve, sep } from 'node:path';
import { EXIT, UsageError } from './args';
import {
  CHECK_HELP,
  DIFF_HELP,
  DRILL_HELP,
  LIST_HELP,
  LOCAL_HELP,
  MAIN_HELP,
  NEW_HELP,
  ROUTES_HELP,
  RULES_HELP,
  SYNTH_HELP,
} from './help';
import { processIo, type Io } from './io';

type Command = (args: readonly string[], io: Io) => Promise<number>;

/*
 * Commands are required when run, not imported up front: loading the model, zod and the dashboard SDK
 * through tsx takes most of a second, which --help and usage errors should not pay.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const COMMANDS: Record<string, { help: string; load: () => Command }> = {
  synth: { help: SYNTH_HELP, load: () => (require('./synth') as typeof import('./synth')).synthCommand },
  check: { help: CHECK_HELP, load: () => (require('./check') as typeof import('./check')).checkCommand },
  diff: { help: DIFF_HELP, load: () => (require('./diff') as typeof import('./diff')).diffCommand },
  rules: { help: RULES_HELP, load: () => (require('./rules') as typeof import('./rules')).rulesCommand },
  local: { help: LOCAL_HELP, load: () => (require('./local') as typeof import('./local')).localCommand },
  drill: { help: DRILL_HELP, load: () => (require('./drill') as typeof import('./drill')).drillCommand },
  routes: { help: ROUTES_HELP, load: () => (require('./routes') as typeof import('./routes')).routesCommand },
  list: { help: LIST_HELP, load: () => (require('./list') as typeof import('./list')).listCommand },
  new: { help: NEW_HELP, load: () => (require('./new') as typeof import('./new')).newCommand },
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Runs one command line and returns the process exit code; only internal bugs escape as exceptions. */
export async function run(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.err(MAIN_HELP);
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(MAIN_HELP);
    return EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.err(`promstack: unknown command ${JSON.stringify(name)}\n\n${MAIN_HELP}`);
    return EXIT.usage;
  }
  // Anything after `--` is an argument, not a request for help.
  const options = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
  if (options.includes('--help') || options.includes('-h')) {
    io.out(command.help);
    return EXIT.ok;
  }
  try {
    return await command.load()(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`promstack ${name}: ${error.message}\n`);
      return EXIT.usage;
    }
    const mistake = catalogueMistake(error);
    if (mistake) {
      io.err(`promstack ${name}: ${mistake}\n`);
      return EXIT.findings;
    }
    throw error;
  }
}

const PROJECT_ROOT = resolve(__dirname, '..');
const CATALOGUE = join(PROJECT_ROOT, 'infra', 'services') + sep;
const LOCATION = /((?:\/[^\s():]+)+\.ts):(\d+):(\d+)/g;

/**
 * A mistake in the user's own service catalogue (`infra/services/*.ts`): a name not defined, a file that
 * does not compile, a call that throws. It is the user's error, not promstack's: named by file, line
 * and message, with exit code 1, instead of an internal error with a stack trace.
 */
export function catalogueMistake(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const text = `${error.message}\n${error.stack ?? ''}`;
  for (const [, file, line, column] of text.matchAll(LOCATION)) {
    if (!file.startsWith(CATALOGUE)) continue;
    // A compile error names the place in its message (`<file>:4:55: ERROR: Unexpected ";"`); a run-time
    // error in its stack. Either way the message is what the user needs, without the path.
    const lines = error.message.split('\n').filter((l) => l.trim() !== '');
    const message = (lines.find((l) => l.includes(file)) ?? lines[0] ?? error.name)
      .replace(new RegExp(`^.*?${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+:\\s*`), '')
      .trim();
    const kind = error.name === 'Error' || error.name === 'TransformError' ? '' : `${error.name}: `;
    return `${relative(PROJECT_ROOT, file)}:${line}:${column}: ${kind}${message}`;
  }
  return undefined;
}
