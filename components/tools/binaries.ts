import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

/** busybox: the shell and applets of the Prometheus and Alertmanager images, for the scripts run in them. */
export type ToolName = 'promtool' | 'prometheus' | 'amtool' | 'alertmanager' | 'grafana-server' | 'busybox';

const PROJECT_ROOT = resolve(__dirname, '..', '..');
const INSTALL_HINT = 'run `npm run tools` (installs them into .tools/bin) or put them on PATH';

/**
 * The path of a Prometheus tool: `.tools/bin` of this project first (what `npm run tools` installs, the
 * versions the configs are proven against), then PATH. Throws with the fix when it is nowhere.
 */
export function findTool(name: ToolName): string {
  const found = locateTool(name);
  if (!found) throw new Error(`${name} not found: ${INSTALL_HINT}`);
  return found;
}

/** Like findTool, but undefined when the tool is missing (for optional tools such as grafana-server). */
export function locateTool(name: ToolName): string | undefined {
  const dirs = [
    join(PROJECT_ROOT, '.tools', 'bin'),
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean),
  ];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a tool to completion and returns its exit code and output; never throws on a non-zero exit. */
export function runTool(
  name: ToolName,
  args: readonly string[],
  options: { cwd?: string; timeoutMs?: number; input?: string } = {},
): Promise<ToolResult> {
  const file = findTool(name);
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      file,
      args,
      { cwd: options.cwd, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolvePromise({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
    // Some commands (promtool check metrics) read only standard input. A tool that exits without
    // reading it closes the pipe first (EPIPE): its exit code and output still tell the result.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
}
