import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareText } from '../../model/errors';
import { runTool } from '../../tools/binaries';

/** A counter series with the rate it grew at while the service was healthy. */
export interface CounterRate {
  /** Every label, `__name__` included, as Prometheus stores the series. */
  labels: Record<string, string>;
  perSecond: number;
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function seriesText(labels: Record<string, string>): string {
  const { __name__: name, ...rest } = labels;
  const pairs = Object.keys(rest)
    .sort(compareText)
    .map((key) => `${key}="${escapeLabelValue(rest[key])}"`);
  return `${name}{${pairs.join(',')}}`;
}

/**
 * The OpenMetrics text of counters that grew steadily at their rates from `from` to `to` (ms since the
 * epoch), one sample every `stepSeconds`: the input of `promtool tsdb create-blocks-from openmetrics`.
 * Every counter starts at 0, as a process does.
 */
export function counterHistory(
  counters: readonly CounterRate[],
  options: { from: number; to: number; stepSeconds: number },
): string {
  const names = counters.map((c) => seriesText(c.labels));
  const lines: string[] = [];
  const stepMs = options.stepSeconds * 1000;
  for (let t = options.from; t <= options.to; t += stepMs) {
    const elapsed = (t - options.from) / 1000;
    counters.forEach((counter, i) => {
      lines.push(`${names[i]} ${round(counter.perSecond * elapsed)} ${t / 1000}`);
    });
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * Writes the history as TSDB blocks into a Prometheus data folder (the server must be stopped, or it
 * would not see them until its next block reload), through the promtool the configs are proven with.
 */
export async function writeHistoryBlocks(text: string, dataDir: string, workDir: string): Promise<void> {
  mkdirSync(workDir, { recursive: true });
  const input = join(workDir, 'history.om.txt');
  writeFileSync(input, text);
  mkdirSync(dataDir, { recursive: true });
  const run = await runTool(
    'promtool',
    ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', input, dataDir],
    {
      timeoutMs: 120_000,
    },
  );
  if (run.code !== 0)
    throw new Error(
      `promtool tsdb create-blocks-from openmetrics failed: ${(run.stderr || run.stdout).trim()}`,
    );
}
