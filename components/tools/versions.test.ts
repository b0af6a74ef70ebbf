import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { majorMinor, TOOL_VERSIONS } from '../model/versions';
import { IMAGES } from '../stack/images';
import { findTool, type ToolName } from './binaries';

function binaryVersion(tool: ToolName): string {
  const output = execFileSync(findTool(tool), ['--version'], { encoding: 'utf8', stdio: 'pipe' });
  const version = /version (\d+\.\d+\.\d+)/.exec(output)?.[1];
  if (!version) throw new Error(`${tool} --version printed no version: ${output}`);
  return version;
}

function imageTag(image: string): string {
  return /:v?([^:/]+)$/.exec(image)![1];
}

describe('the tools the tests run are the versions the stack deploys', () => {
  it.each([
    ['promtool', 'prometheus'],
    ['prometheus', 'prometheus'],
    ['amtool', 'alertmanager'],
    ['alertmanager', 'alertmanager'],
  ] as const)('%s has the major.minor of the %s image', (tool, image) => {
    expect(majorMinor(binaryVersion(tool))).toBe(majorMinor(imageTag(IMAGES[image])));
  });

  it('pins the images to the versions in the model', () => {
    expect(imageTag(IMAGES.prometheus)).toBe(TOOL_VERSIONS.prometheus);
    expect(imageTag(IMAGES.alertmanager)).toBe(TOOL_VERSIONS.alertmanager);
  });

  it('installs the same major.minor it deploys', () => {
    const script = readFileSync(join(__dirname, '..', '..', 'scripts', 'install-prom-tools.sh'), 'utf8');
    expect(/want_prometheus="([^"]+)"/.exec(script)?.[1]).toBe(majorMinor(TOOL_VERSIONS.prometheus));
    expect(/want_alertmanager="([^"]+)"/.exec(script)?.[1]).toBe(majorMinor(TOOL_VERSIONS.alertmanager));
  });

  it('parses PromQL with the grammar of the deployed Prometheus (lezer-promql 0.305.3 is 3.5.3)', () => {
    const lezer = JSON.parse(
      readFileSync(
        join(__dirname, '..', '..', 'node_modules', '@prometheus-io', 'lezer-promql', 'package.json'),
        'utf8',
      ),
    ) as { version: string };
    const [major, minor, patch] = TOOL_VERSIONS.prometheus.split('.').map(Number);
    expect(lezer.version).toBe(`0.${major * 100 + minor}.${patch}`);
  });

  it('reads major.minor of tags and tool versions alike', () => {
    expect(majorMinor('v3.5.3')).toBe('3.5');
    expect(majorMinor('0.33.1')).toBe('0.33');
    expect(() => majorMinor('latest')).toThrow(/not a version/);
  });
});
