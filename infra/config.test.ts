import * as pulumi from '@pulumi/pulumi';
import { ValidationError } from '../components/model/errors';
import { installMocks, setProgramConfig, valueOf } from '../components/pulumi/testing';
import { secretValues, testStackConfig, TEST_STACK_SECRETS } from '../components/stack/testing';
import { readSettings, secretNames } from './config';

const mocks = installMocks('dev');

describe('the program with a bad stack config', () => {
  it('throws one ValidationError naming each bad key, before any resource exists', async () => {
    const bad = testStackConfig('docker') as Record<string, unknown>;
    bad.defaultReceiver = 'nobody';
    bad.teams = { ...(bad.teams as object), shop: { critical: ['shop-pager', 'pager-typo'] } };
    setProgramConfig(bad, secretValues(TEST_STACK_SECRETS.docker));
    let error: unknown;
    jest.isolateModules(() => {
      try {
        // The program runs when it is loaded: after its config is set.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('./index');
      } catch (caught) {
        error = caught;
      }
    });
    await mocks.settle();
    // A fresh module registry has its own ValidationError class: compare by name.
    expect((error as Error).name).toBe('ValidationError');
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual([
      'stack.defaultReceiver',
      'stack.teams.shop.critical[1]',
    ]);
    expect(mocks.resources).toEqual([]);
  });

  it('names a missing secret with the command that sets it', async () => {
    setProgramConfig(testStackConfig('docker'), { 'slack-webhook-url': 'y' });
    let error: unknown;
    jest.isolateModules(() => {
      try {
        // The program runs when it is loaded: after its config is set.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('./index');
      } catch (caught) {
        error = caught;
      }
    });
    await mocks.settle();
    expect((error as ValidationError).issues).toEqual([
      {
        path: 'secrets.grafana-admin-password',
        message: expect.stringContaining(
          "pulumi config set --secret --path 'secrets.grafana-admin-password'",
        ),
      },
      {
        path: 'secrets.grafana-secret-key',
        message: expect.stringContaining("pulumi config set --secret --path 'secrets.grafana-secret-key'"),
      },
      {
        path: 'secrets.web-password',
        message: expect.stringContaining("pulumi config set --secret --path 'secrets.web-password'"),
      },
    ]);
    expect(mocks.resources).toEqual([]);
  });
});

describe('readSettings', () => {
  it('reads the stack object and every secret as a Pulumi secret', async () => {
    setProgramConfig({ platform: 'docker' }, { b: 'two', a: 'one' });
    const settings = readSettings();
    expect(settings.stack).toEqual({ platform: 'docker' });
    expect(Object.keys(settings.secrets)).toEqual(['a', 'b']);
    expect(await pulumi.isSecret(settings.secrets.a)).toBe(true);
    expect(await valueOf(settings.secrets.b)).toBe('two');
  });

  it('has no secrets when promstack:secrets is unset', () => {
    setProgramConfig({ platform: 'docker' });
    expect(readSettings().secrets).toEqual({});
  });

  it('fails when promstack:stack is unset, naming the key', () => {
    pulumi.runtime.setAllConfig({}, []);
    expect(() => readSettings()).toThrow(/promstack:stack/);
  });

  it.each([
    [['a'], ['secrets']],
    [{ 'Bad Name': 'x', ok: 'y', n: 3 }, ['secrets.Bad Name', 'secrets.n']],
  ])('rejects the secrets object %j', (raw, paths) => {
    try {
      secretNames(raw);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual(paths);
    }
  });
});
