import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Workload } from '../../platforms/workload';
import { waitFor } from '../processes';
import { LocalProcess } from './local-process';

describe('LocalProcess log', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'promstack-local-process-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps output that arrives after the process exited, and only then closes the log', async () => {
    const logFile = join(dir, 'logs', 'late.log');
    // The shell exits at once; its background child keeps stdout open and writes after that exit,
    // which is what a crashing binary's last lines look like to Node ('exit' before the pipes drain).
    const process = new LocalProcess({
      name: 'late-writer',
      // LocalProcess runs `command`; the workload is only carried for the stack's own bookkeeping.
      workload: { name: 'late-writer' } as unknown as Workload,
      command: { file: 'sh', args: ['-c', 'echo first; (sleep 0.5; echo after-exit) & exit 3'], env: {} },
      url: 'http://127.0.0.1:9',
      readyPath: '/-/ready',
      readyTimeoutMs: 30_000,
      logFile,
      stopGraceMs: 1000,
    });
    await expect(process.start()).rejects.toThrow(/late-writer exited while starting \(code 3\)/);
    const log = await waitFor(
      async () => {
        const text = readFileSync(logFile, 'utf8');
        return /exited: code 3\n$/.test(text) ? text : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 50, describe: () => readFileSync(logFile, 'utf8') },
    );
    expect(log.split('\n').slice(1)).toEqual([
      'first',
      'after-exit',
      expect.stringMatching(/^--- \S+ exited: code 3$/),
      '',
    ]);
  });
});
