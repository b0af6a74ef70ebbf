/** Where a command writes, and whether it may colour its output. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly color: boolean;
}

/**
 * Colour only for a person at a terminal: never in pipes, files or CI logs, and never when NO_COLOR is
 * set to anything (https://no-color.org).
 */
export function colorWanted(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

export function processIo(): Io {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    color: colorWanted(process.stdout, process.env),
  };
}

const CODES = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33, cyan: 36 } as const;
export type Style = keyof typeof CODES;

/** Wraps text in an ANSI style when colour is on; returns it unchanged otherwise. */
export function paint(io: Pick<Io, 'color'>, style: Style, text: string): string {
  return io.color ? `\u001b[${CODES[style]}m${text}\u001b[0m` : text;
}

/** Pretty JSON for `--json`, one document per run. */
export function printJson(io: Io, data: unknown): void {
  io.out(`${JSON.stringify(data, null, 2)}\n`);
}
