import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  directionProblems,
  importCycles,
  layerOf,
  LAYERS,
  readImportGraph,
  REPO_ROOT,
  resolveSpecifier,
  specifiersOf,
  type ImportEdge,
  type ImportGraph,
} from './imports';

const repo = readImportGraph(REPO_ROOT);

/** A graph of the named files with one import per pair, each at line 1. */
function graphOf(...pairs: [string, string][]): ImportGraph {
  const edges: ImportEdge[] = pairs.map(([from, to]) => ({ from, to, line: 1, specifier: to }));
  return { files: [...new Set(pairs.flat())].sort(), edges };
}

describe('the repository', () => {
  it('reads the program: every layer holds files, and imports across the layers', () => {
    expect(repo.files).toContain('components/stack/synth.ts');
    expect(repo.files).not.toContain('components/stack/synth.test.ts');
    for (const layer of LAYERS)
      for (const path of layer.paths) expect(existsSync(join(REPO_ROOT, path))).toBe(true);
    const held = new Set(repo.files.map((file) => layerOf(file)));
    expect(LAYERS.map((layer) => layer.name).filter((name) => !held.has(name))).toEqual([]);
    expect(repo.edges).toContainEqual(
      expect.objectContaining({ from: 'components/stack/synth.ts', to: 'components/stack/alert-inbox.ts' }),
    );
  });

  it('has no import cycle', () => {
    expect(importCycles(repo)).toEqual([]);
  });

  it('imports only down the layers', () => {
    expect(directionProblems(repo)).toEqual([]);
  });
});

describe('the checker fails', () => {
  it('on an import against the direction, naming the file, the line and the rule', () => {
    const graph = graphOf(['components/model/names.ts', 'components/stack/config.ts']);
    graph.edges[0].line = 7;
    expect(directionProblems(graph)).toEqual([
      "components/model/names.ts:7 imports components/stack/config.ts ('components/stack/config.ts'): " +
        'model may not import stack (model imports nothing of the project); ' +
        'the typed model and the facts about the tools: everything else builds on it',
    ]);
  });

  it.each([
    [
      'the stack importing the platforms',
      'components/stack/alert-inbox.ts',
      'components/platforms/workload.ts',
    ],
    [
      'the stack importing the runtime',
      'components/stack/alert-inbox.ts',
      'components/runtime/channels/sinks.ts',
    ],
    [
      'the platforms importing the runtime',
      'components/platforms/workload.ts',
      'components/runtime/local/ports.ts',
    ],
    ['the runtime importing Pulumi', 'components/runtime/local/stack.ts', 'components/pulumi/stack.ts'],
    ['Pulumi importing the runtime', 'components/pulumi/stack.ts', 'components/runtime/drill/run.ts'],
    [
      'the inbox importing the stack (its image has the model only)',
      'components/runtime/channels/inbox.ts',
      'components/stack/config.ts',
    ],
    [
      'the backend importing the service (its image has the model only)',
      'backend/metrics.ts',
      'components/service/index.ts',
    ],
    ['the rules importing the dashboards', 'rules/red.ts', 'dashboards/service.ts'],
    ['infra importing the CLI', 'infra/index.ts', 'cli/main.ts'],
    ['production code importing a test helper', 'components/stack/synth.ts', 'components/stack/testing.ts'],
    [
      'a model index exporting a fixture',
      'components/model/alertmanager/index.ts',
      'components/model/alertmanager/example.ts',
    ],
  ])('on %s, seeded into the repository', (_what, from, to) => {
    const seeded: ImportGraph = {
      ...repo,
      edges: [...repo.edges, { from, to, line: 99, specifier: 'seeded' }],
    };
    const problems = directionProblems(seeded);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${from}:99 imports ${to} .*may not import`));
  });

  it('on a cycle, naming every file and line of it', () => {
    const graph = graphOf(
      ['components/stack/synth.ts', 'components/stack/alert-inbox.ts'],
      ['components/stack/alert-inbox.ts', 'components/stack/config.ts'],
      ['components/stack/config.ts', 'components/stack/synth.ts'],
      ['components/stack/config.ts', 'components/stack/images.ts'],
    );
    expect(importCycles(graph)).toEqual([
      'components/stack/alert-inbox.ts:1 -> components/stack/config.ts:1 -> components/stack/synth.ts:1 -> components/stack/alert-inbox.ts',
    ]);
  });

  it('on a file importing itself, and on each of two separate cycles', () => {
    const graph = graphOf(['a.ts', 'a.ts'], ['b.ts', 'c.ts'], ['c.ts', 'b.ts'], ['c.ts', 'd.ts']);
    expect(importCycles(graph)).toEqual(['a.ts:1 -> a.ts', 'b.ts:1 -> c.ts:1 -> b.ts']);
  });

  it('on a cycle seeded into the repository: the model naming the stack that imports it', () => {
    const seeded: ImportGraph = {
      ...repo,
      edges: [
        ...repo.edges,
        {
          from: 'components/model/errors.ts',
          to: 'components/stack/synth.ts',
          line: 99,
          specifier: 'seeded',
        },
      ],
    };
    const cycles = importCycles(seeded);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toMatch(/components\/model\/errors\.ts:99 -> components\/stack\/synth\.ts:\d+ -> /);
  });

  it('on a file in no layer', () => {
    expect(directionProblems(graphOf(['components/new/thing.ts', 'components/model/names.ts']))).toEqual([
      'components/new/thing.ts: in no layer; add its folder to a layer (test/architecture/imports.ts)',
    ]);
  });
});

describe('reading imports', () => {
  it('finds every form of import with its line, and nothing in comments or strings', () => {
    const text = [
      "import { a } from './a';",
      "import type { B } from '../b';",
      "export * from './c';",
      "export { d } from './d';",
      "import e = require('./e');",
      "const f = require('./f') as typeof import('./g');",
      "const h = () => import('./h');",
      "// import { x } from './comment';",
      'const s = "require(\'./string\')";',
      "import 'node:fs';",
    ].join('\n');
    expect(specifiersOf('x.ts', text)).toEqual([
      { specifier: './a', line: 1 },
      { specifier: '../b', line: 2 },
      { specifier: './c', line: 3 },
      { specifier: './d', line: 4 },
      { specifier: './e', line: 5 },
      { specifier: './f', line: 6 },
      { specifier: './g', line: 6 },
      { specifier: './h', line: 7 },
      { specifier: 'node:fs', line: 10 },
    ]);
  });

  it('resolves a specifier as TypeScript does, and fails on one that names no file', () => {
    const files = new Set(['src/a.ts', 'src/b/index.ts', 'src/c.ts', 'package.json']);
    const exists = (file: string) => files.has(file);
    expect(resolveSpecifier('src/x.ts', './a', exists)).toBe('src/a.ts');
    expect(resolveSpecifier('src/x.ts', './b', exists)).toBe('src/b/index.ts');
    expect(resolveSpecifier('src/x.ts', './c.js', exists)).toBe('src/c.ts');
    expect(resolveSpecifier('src/x.ts', '../package.json', exists)).toBeUndefined();
    expect(resolveSpecifier('src/x.ts', 'yaml', exists)).toBeUndefined();
    expect(() => resolveSpecifier('src/x.ts', './gone', exists)).toThrow(
      "src/x.ts: import './gone' names no file",
    );
  });

  it('reads a folder: a back-edge and a cycle written as files are both found', () => {
    const root = mkdtempSync(join(tmpdir(), 'promstack-imports-'));
    const write = (file: string, text: string) => {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    };
    try {
      write('components/model/names.ts', "export * from './errors';\n");
      write(
        'components/model/errors.ts',
        "// the model naming the stack\nimport type { X } from '../stack';\n",
      );
      write('components/stack/index.ts', "const n = require('../model/names');\n");
      write('components/stack/index.test.ts', "import '../runtime/local';\n");
      const graph = readImportGraph(root);
      expect(graph.files).toEqual([
        'components/model/errors.ts',
        'components/model/names.ts',
        'components/stack/index.ts',
      ]);
      expect(importCycles(graph)).toEqual([
        'components/model/errors.ts:2 -> components/stack/index.ts:1 -> components/model/names.ts:1 -> components/model/errors.ts',
      ]);
      expect(directionProblems(graph)).toEqual([
        expect.stringMatching(
          /^components\/model\/errors\.ts:2 imports components\/stack\/index\.ts .*model may not import stack/,
        ),
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
