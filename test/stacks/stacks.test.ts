import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { listStacks } from '../../cli/stacks';
import { NOT_COPIED } from '../../cli/testing';
import { synthStack } from '../../components/stack';
import {
  checkWithTools,
  layoutUnder,
  TEST_STACKS,
  TEST_STACKS_DIR,
  testStackConfig,
  toolsAccept,
} from '../../components/stack/testing';
import { services } from '../../infra/services';

const ROOT = resolve(__dirname, '..', '..');
const roots: string[] = [];
afterAll(() => {
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

describe('the test stacks (test/stacks)', () => {
  it('are every Pulumi.<name>.yaml of the folder, as the CLI lists them', () => {
    expect(listStacks(TEST_STACKS_DIR)).toEqual([...TEST_STACKS].sort());
  });

  it.each(TEST_STACKS)('%s renders files the real promtool and amtool accept', async (name) => {
    const root = mkdtempSync(join(tmpdir(), `promstack-test-stack-${name}-`));
    roots.push(root);
    const result = synthStack(testStackConfig(name), services, {
      environment: name,
      layout: layoutUnder(root),
    });
    expect(await checkWithTools(result, root)).toEqual(toolsAccept());
  });

  it('are refused by the stack schema when they break it, with the file and the path', () => {
    // testStackConfig checks what it loads; here, a copy of a test stack with a mistake.
    const dir = mkdtempSync(join(tmpdir(), 'promstack-test-stacks-'));
    roots.push(dir);
    const text = readFileSync(join(TEST_STACKS_DIR, 'Pulumi.docker.yaml'), 'utf8');
    expect(text).toContain('      retention: 7d\n');
    writeFileSync(
      join(dir, 'Pulumi.docker.yaml'),
      text.replace('      retention: 7d\n', '      retension: 7d\n'),
    );
    expect(() => testStackConfig('docker', dir)).toThrow(
      /test-stacks-\w+\/Pulumi\.docker\.yaml: stack\.prometheus: unknown field "retension"/,
    );
  });
});

/**
 * The repository's Pulumi.<env>.yaml files are the user's stacks: only the tests of those stacks as
 * deployed read them (infra/, scripts/, the drill, and the CLI reading its default folder). Every other
 * test loads a test stack, so that changing a deployed stack never breaks it.
 */
describe("the repository's stacks", () => {
  const ALLOWED = [
    /^infra\//,
    /^scripts\//,
    /^test\/drill\//,
    // The CLI's stack reader (its messages name Pulumi.dev.yaml) and a test that writes stacks of that
    // name into a folder of its own.
    /^cli\/stacks\.ts$/,
    /^cli\/diff\.test\.ts$/,
    // Where repoStackConfig is defined, and this test.
    /^components\/stack\/testing\.ts$/,
    /^test\/stacks\/stacks\.test\.ts$/,
  ];

  function sources(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      if (NOT_COPIED.has(entry.name)) return [];
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return sources(path);
      return /\.[cm]?[jt]s$/.test(entry.name) ? [relative(ROOT, path)] : [];
    });
  }

  it('are read only by the tests of those stacks', () => {
    const readers = sources(ROOT).filter((path) =>
      /repoStackConfig|Pulumi\.(dev|staging|prod)\.yaml/.test(readFileSync(join(ROOT, path), 'utf8')),
    );
    expect(readers.filter((path) => !ALLOWED.some((allowed) => allowed.test(path)))).toEqual([]);
    // The check itself finds them.
    expect(readers).toContain('infra/testing.ts');
  });
});
