/**
 * The silences applier as a deploy runs it (a Kubernetes Job, a Docker container: `node
 * apply-silences.js silences.json` with its environment), on the real Alertmanager with web auth.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { hashSync } from 'bcryptjs';
import * as ts from 'typescript';
import { freePort, startProcess, waitFor, type RunningProcess } from '../runtime/processes';
import { silencesFileText } from '../stack/silences';
import { silencesAroundNow } from '../stack/testing';
import { findTool } from '../tools/binaries';
import { APPLIER_SCRIPT } from './silences-applier';

const USER = 'promstack';
const PASSWORD = 'applier-test-password';
const basic = (password: string) => `Basic ${Buffer.from(`${USER}:${password}`).toString('base64')}`;

const dir = mkdtempSync(join(tmpdir(), 'promstack-apply-silences-'));
const silencesFile = join(dir, 'silences.json');
const passwordFile = join(dir, 'web-password');
let alertmanager: RunningProcess | undefined;
let url = '';

/** Runs the file as the Job's container does: node, the silences file, the environment it is given. */
async function runApplier(env: Record<string, string>) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [join(__dirname, APPLIER_SCRIPT), silencesFile],
      { env: { PATH: process.env.PATH, ...env } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

interface HeldSilence {
  comment: string;
  status: { state: string };
}
async function liveSilences(): Promise<string[]> {
  const response = await fetch(`${url}/api/v2/silences`, { headers: { Authorization: basic(PASSWORD) } });
  const held = (await response.json()) as HeldSilence[];
  return held
    .filter((s) => s.status.state !== 'expired')
    .map((s) => s.comment)
    .sort();
}

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  writeFileSync(join(dir, 'alertmanager.yml'), 'route:\n  receiver: none\nreceivers:\n  - name: none\n');
  // A low bcrypt cost: the test checks that the applier logs in, not the hash's strength.
  writeFileSync(join(dir, 'web.yml'), `basic_auth_users:\n  ${USER}: ${hashSync(PASSWORD, 4)}\n`);
  writeFileSync(passwordFile, `${PASSWORD}\n`);
  alertmanager = startProcess('alertmanager', findTool('alertmanager'), [
    `--config.file=${join(dir, 'alertmanager.yml')}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    `--web.config.file=${join(dir, 'web.yml')}`,
    '--cluster.listen-address=',
  ]);
  await waitFor(
    async () => {
      const response = await fetch(`${url}/-/ready`, { headers: { Authorization: basic(PASSWORD) } });
      return response.ok ? true : undefined;
    },
    { timeoutMs: 30_000, describe: () => `alertmanager did not get ready:\n${alertmanager?.output()}` },
  );
  writeFileSync(silencesFile, silencesFileText(silencesAroundNow()));
});

afterAll(async () => {
  await alertmanager?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const withLogin = () => ({
  ALERTMANAGER_URL: url,
  ALERTMANAGER_USERNAME: USER,
  ALERTMANAGER_PASSWORD_FILE: passwordFile,
});

describe('apply-silences.js, as a deploy runs it beside Alertmanager', () => {
  it('type-checks as strictly as the TypeScript around it (checkJs: the project compiles no .js)', () => {
    const program = ts.createProgram([join(__dirname, APPLIER_SCRIPT)], {
      allowJs: true,
      checkJs: true,
      noEmit: true,
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      types: ['node'],
      skipLibCheck: true,
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
  });

  it('logs in and creates the rendered silences that have not ended, then none on a second run', async () => {
    expect(await runApplier(withLogin())).toEqual({
      code: 0,
      stdout: 'silences: 2 created, 0 already there, 1 ended\n',
      stderr: '',
    });
    expect(await runApplier(withLogin())).toEqual({
      code: 0,
      stdout: 'silences: 0 created, 2 already there, 1 ended\n',
      stderr: '',
    });
    expect(await liveSilences()).toEqual(['later', 'load test of orders']);
  });

  it('fails, saying why, without credentials or with a wrong password', async () => {
    expect(await runApplier({ ALERTMANAGER_URL: url })).toEqual({
      code: 1,
      stdout: '',
      stderr: `apply-silences: GET ${url}/-/ready: 401, Alertmanager wants credentials (set ALERTMANAGER_USERNAME and ALERTMANAGER_PASSWORD_FILE)\n`,
    });
    writeFileSync(join(dir, 'wrong-password'), 'not-it');
    const wrong = await runApplier({
      ...withLogin(),
      ALERTMANAGER_PASSWORD_FILE: join(dir, 'wrong-password'),
    });
    expect(wrong).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('refused these (check the password secret)'),
    });
  });

  it('fails on an Alertmanager that does not answer, after waiting for it, naming where it looked', async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const started = Date.now();
    const run = await runApplier({
      ...withLogin(),
      ALERTMANAGER_URL: nowhere,
      ALERTMANAGER_WAIT_SECONDS: '2',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `apply-silences: Alertmanager at ${nowhere} is not reachable or not ready after 2 s (ECONNREFUSED): ` +
        'check that it runs and that this address reaches it\n',
    });
  });
});
