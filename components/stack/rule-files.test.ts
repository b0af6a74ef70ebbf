import { join } from 'node:path';
import { ValidationError } from '../model/errors';
import { runTool } from '../tools/binaries';
import { services } from '../../infra/services';
import { vendoredRuleFiles } from '../../infra/rule-files';
import { synthStack } from './index';
import { testStackConfig, writeFiles } from './testing';

function issuesOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('vendored rule files', () => {
  it('are validated, re-rendered and deployed beside the generated rules; promtool accepts them', async () => {
    const ruleFiles = vendoredRuleFiles();
    expect(Object.keys(ruleFiles)).toContain('host.yml');
    const { files } = synthStack(testStackConfig('docker'), services, { environment: 'dev', ruleFiles });
    const vendored = files['prometheus/rules/vendor-host.yml'];
    expect(vendored).toContain('alert: HostOutOfMemory');
    const root = writeFiles(files);
    const check = await runTool('promtool', [
      'check',
      'rules',
      join(root, 'prometheus/rules/vendor-host.yml'),
    ]);
    expect(check.stdout).toContain('SUCCESS: 2 rules found');
    expect(check.code).toBe(0);
  });

  it('reports errors of a vendored file with its name and the rule path', () => {
    const broken = 'groups:\n  - name: host\n    rules:\n      - alert: Bad\n        expr: rate(x[5m]\n';
    expect(
      issuesOf(() =>
        synthStack(testStackConfig('docker'), services, {
          environment: 'dev',
          ruleFiles: { 'host.yml': broken },
        }),
      ),
    ).toContainEqual({
      path: 'ruleFiles.host.yml.groups[host].rules[Bad].expr',
      message: expect.stringMatching(/unexpected end of expression/),
    });
  });

  it('refuses a vendored group whose name the generated rules already use', () => {
    const clash = 'groups:\n  - name: orders.alerts\n    rules: []\n';
    expect(
      issuesOf(() =>
        synthStack(testStackConfig('docker'), services, {
          environment: 'dev',
          ruleFiles: { 'clash.yml': clash },
        }),
      ),
    ).toContainEqual({
      path: 'ruleFiles.clash.yml.groups[orders.alerts]',
      message: 'group name already used by generated rules: rename it',
    });
  });
});
