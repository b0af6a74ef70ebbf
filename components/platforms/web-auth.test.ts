import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareSync, getRounds } from 'bcryptjs';
import { parse } from 'yaml';
import { ValidationError } from '../model/errors';
import { validateStack } from '../stack/synth';
import { testStackConfig } from '../stack/testing';
import { runTool } from '../tools/binaries';
import {
  basicAuthorization,
  WEB_AUTH_BCRYPT_COST,
  WEB_CONFIG_FILE,
  webConfigYaml,
  webPasswordProblem,
} from './web-auth';

const AUTH = { username: 'promstack', passwordSecret: 'web-password' };

const hashOf = (yaml: string, user = 'promstack') =>
  (parse(yaml) as { basic_auth_users: Record<string, string> }).basic_auth_users[user];

describe('webConfigYaml', () => {
  it('holds a bcrypt hash of the password at the documented cost, never the password', () => {
    const yaml = webConfigYaml(AUTH, 'correct horse');
    expect(yaml).not.toContain('correct horse');
    expect(compareSync('correct horse', hashOf(yaml))).toBe(true);
    expect(compareSync('correct horsf', hashOf(yaml))).toBe(false);
    expect(getRounds(hashOf(yaml))).toBe(WEB_AUTH_BCRYPT_COST);
  });

  it('is the same file for the same secret (no churn on every deploy), another for another password or user', () => {
    const yaml = webConfigYaml(AUTH, 'correct horse');
    expect(webConfigYaml(AUTH, 'correct horse')).toBe(yaml);
    expect(hashOf(webConfigYaml(AUTH, 'battery staple'))).not.toBe(hashOf(yaml));
    const other = webConfigYaml({ ...AUTH, username: 'ops' }, 'correct horse');
    expect(hashOf(other, 'ops')).not.toBe(hashOf(yaml));
  });

  it('is accepted by promtool check web-config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promstack-web-config-'));
    try {
      const file = join(dir, 'web.yml');
      writeFileSync(file, webConfigYaml(AUTH, 'correct horse'));
      const { code, stdout, stderr } = await runTool('promtool', ['check', 'web-config', file]);
      expect({ code, output: stdout + stderr }).toEqual({
        code: 0,
        output: expect.stringContaining('SUCCESS'),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['', /secret web-password is empty/],
    [' padded', /starts or ends with white space/],
    ['newline\n', /starts or ends with white space/],
    ['x'.repeat(73), /longer than 72 bytes/],
  ])('refuses the password %j, naming the secret', (password, message) => {
    expect(webPasswordProblem(password, 'web-password')).toMatch(message);
    expect(() => webConfigYaml(AUTH, password)).toThrow(message);
  });
});

describe('basicAuthorization', () => {
  it('is the RFC 7617 header value', () => {
    expect(basicAuthorization('Aladdin', 'open sesame')).toBe('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
  });
});

type Config = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the web config file name', () => {
  const issuesOf = (change: (config: Config) => void) => {
    const config = testStackConfig('docker') as Config;
    change(config);
    try {
      validateStack(config, []);
      return [];
    } catch (error) {
      if (error instanceof ValidationError) return error.issues;
      throw error;
    }
  };

  it.each([
    [
      'the webAuth password',
      (c: Config) => (c.webAuth = { passwordSecret: WEB_CONFIG_FILE }),
      'stack.webAuth.passwordSecret',
    ],
    [
      "a receiver's credential",
      (c: Config) => (c.receivers[0].slack_configs[0].api_url_file = { secret: WEB_CONFIG_FILE }),
      'stack.receivers[shop-slack].slack_configs[0].api_url_file.secret',
    ],
  ])('is no stack secret: %s may not take it', (_case, change, path) => {
    expect(issuesOf(change)).toEqual([
      { path, message: expect.stringContaining(`${WEB_CONFIG_FILE} is the web config`) },
    ]);
  });
});
