import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTool } from '../tools/binaries';
import { healthCommand } from './health';
import { basicAuthorization } from './web-auth';

/** A server that answers 200 to the right Authorization header only, as a web config makes Prometheus. */
function loginServer(expected: string): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    response.writeHead(request.headers.authorization === expected ? 200 : 401).end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    }),
  );
}

/** Runs a command with busybox's applets alone on the PATH: the images' shell, wget and base64. */
function exitCode(command: string[], bin: string): Promise<number> {
  return new Promise((resolve) =>
    execFile(join(bin, command[0]), command.slice(1), { env: { PATH: bin } }, (error) =>
      resolve(error ? Number(error.code ?? 1) : 0),
    ),
  );
}

describe('healthCommand', () => {
  const password = `it's "a" $(pass) word`;
  let dir: string;
  let login: { server: Server; port: number };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'promstack-health-'));
    mkdirSync(join(dir, 'bin'));
    spawnSync(findTool('busybox'), ['--install', '-s', join(dir, 'bin')]);
    login = await loginServer(basicAuthorization('promstack', password));
  });
  afterAll(() => {
    login.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const check = (passwordFile: string) =>
    healthCommand(
      {
        httpPath: '/-/healthy',
        port: login.port,
        startPeriodSeconds: 1,
        basicAuth: { username: 'promstack', passwordFile },
      },
      '/-/healthy',
    );

  it('logs in with the password read from its file when it runs, quotes and all, under busybox', async () => {
    writeFileSync(join(dir, 'right'), password);
    expect(await exitCode(check(join(dir, 'right')), join(dir, 'bin'))).toBe(0);
  });

  it('fails on a wrong password, and names only the file in its command', async () => {
    writeFileSync(join(dir, 'wrong'), 'not it');
    expect(await exitCode(check(join(dir, 'wrong')), join(dir, 'bin'))).not.toBe(0);
    expect(check(join(dir, 'right')).join(' ')).not.toContain('word');
  });

  it('is a plain wget without a login', () => {
    expect(
      healthCommand({ httpPath: '/api/health', port: 3000, startPeriodSeconds: 1 }, '/api/health'),
    ).toEqual(['wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:3000/api/health']);
  });
});
