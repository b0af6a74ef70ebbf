import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLACEHOLDER_SECRET, secretEnvVar, writeLocalSecrets } from './secrets';

describe('local secret files', () => {
  let dir: string;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'promstack-secrets-')), 'secrets');
  });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it.each([
    ['slack-webhook-url', 'PROMSTACK_SECRET_SLACK_WEBHOOK_URL'],
    ['grafana-admin-password', 'PROMSTACK_SECRET_GRAFANA_ADMIN_PASSWORD'],
    ['smtp.password_2', 'PROMSTACK_SECRET_SMTP_PASSWORD_2'],
  ])('%s is set with %s', (name, variable) => {
    expect(secretEnvVar(name)).toBe(variable);
  });

  it('takes the environment first, keeps a file a person wrote, generates or writes a placeholder', () => {
    const first = writeLocalSecrets(dir, ['b-kept', 'a-env', 'c-password', 'd-url', 'b-kept'], {
      env: { PROMSTACK_SECRET_A_ENV: 'from-env' },
      generate: ['c-password'],
    });
    expect(first.map((s) => [s.name, s.source])).toEqual([
      ['a-env', 'env'],
      ['b-kept', 'placeholder'],
      ['c-password', 'generated'],
      ['d-url', 'placeholder'],
    ]);
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    expect(read('a-env')).toBe('from-env');
    expect(read('d-url')).toBe(PLACEHOLDER_SECRET);
    const password = read('c-password');
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);

    writeFileSync(join(dir, 'b-kept'), 'written by hand');
    const second = writeLocalSecrets(dir, ['a-env', 'b-kept', 'c-password', 'd-url'], {
      env: {},
      generate: ['c-password'],
    });
    expect(second.map((s) => [s.name, s.source])).toEqual([
      ['a-env', 'file'],
      ['b-kept', 'file'],
      ['c-password', 'file'],
      ['d-url', 'placeholder'],
    ]);
    expect(read('a-env')).toBe('from-env');
    expect(read('b-kept')).toBe('written by hand');
    // The generated password stays the same between runs.
    expect(read('c-password')).toBe(password);
  });

  it('makes the folder and every file readable by their owner only', () => {
    writeLocalSecrets(dir, ['x', 'y'], { env: { PROMSTACK_SECRET_X: 'value' } });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const name of ['x', 'y']) expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
  });
});
