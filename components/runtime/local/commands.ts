import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Workload } from '../../platforms/workload';
import type { LocalCommand } from './local-process';

const PROJECT_ROOT = resolve(__dirname, '..', '..', '..');

/** A tool image's entrypoint is its binary: the workload's flags and environment go to it unchanged. */
export function toolCommand(workload: Workload, binary: string): LocalCommand {
  return { file: binary, args: [...workload.args], env: { ...workload.env } };
}

/**
 * Where Grafana's own files are (conf/defaults.ini, public/): GRAFANA_HOME, beside the binary (a
 * tarball or package layout), or the Debian/RPM package folder. grafana-server needs it as --homepath.
 */
export function grafanaHome(binary: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  let real = binary;
  try {
    real = realpathSync(binary);
  } catch {
    // a missing binary has no home either; the candidates below will not exist
  }
  const bin = dirname(real);
  const candidates = [
    ...(env.GRAFANA_HOME ? [env.GRAFANA_HOME] : []),
    join(bin, '..'),
    join(bin, '..', 'share', 'grafana'),
    '/usr/share/grafana',
  ];
  return candidates.find((dir) => existsSync(join(dir, 'conf', 'defaults.ini')));
}

/**
 * grafana-server with the workload's flags and environment: its data, plugin and log folders are the
 * workload's (below its data folder), where the process may write.
 */
export function grafanaCommand(workload: Workload, binary: string, home: string): LocalCommand {
  return { file: binary, args: [`--homepath=${home}`, ...workload.args], env: { ...workload.env } };
}

/** The example backend from its TypeScript sources, compiled on load by tsx as the CLI is. */
export function exampleBackendCommand(workload: Workload): LocalCommand {
  return {
    file: process.execPath,
    args: [
      '--require',
      require.resolve('tsx/cjs'),
      join(PROJECT_ROOT, 'backend', 'main.ts'),
      ...workload.args,
    ],
    env: { ...workload.env },
  };
}
