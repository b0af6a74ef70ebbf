/**
 * The import graph of the repository's own TypeScript, and the rules it must keep: no cycle between
 * files, and every import pointing down the layers (docs/architecture.md, "Dependency direction").
 * Imports are read with TypeScript's parser: `import`, `import type`, `export … from`, `import x =
 * require()`, `require()`, `import()` and `typeof import()`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import * as ts from 'typescript';

/** One relative import of a file, resolved to the file it names (paths relative to the root, `/`). */
export interface ImportEdge {
  from: string;
  to: string;
  /** 1-based line of the import in `from`. */
  line: number;
  specifier: string;
}

/** Every file and every import between them. */
export interface ImportGraph {
  files: string[];
  edges: ImportEdge[];
}

/** A layer: the files it holds and the layers right below it, which it may import (and theirs). */
export interface Layer {
  name: string;
  /** Folders (ending in `/`) or files, relative to the root; the longest match places a file. */
  paths: string[];
  imports: string[];
  /** Why it sits where it does, for the message of an import that breaks the rule. */
  why?: string;
}

/** Files set apart from the folders: test helpers and fixtures, whatever folder they sit in. */
export interface Roles {
  /** Test helpers (`testing.ts`): in the layer named `test`, which production code may not import. */
  testSupport: (file: string) => boolean;
  /** Fixtures (`example.ts`): in the layer named `fixtures`, which only test helpers and tests import. */
  fixture: (file: string) => boolean;
}

/**
 * The dependency direction: model -> service -> rules -> dashboards -> stack -> platforms -> pulumi ->
 * infra -> cli, with the runtime beside the Pulumi components (both run the platforms' workload
 * descriptions; neither imports the other).
 */
export const LAYERS: Layer[] = [
  {
    name: 'model',
    paths: ['components/model/'],
    imports: [],
    why: 'the typed model and the facts about the tools: everything else builds on it',
  },
  { name: 'tools', paths: ['components/tools/'], imports: [] },
  { name: 'service', paths: ['components/service/'], imports: ['model'] },
  { name: 'rules', paths: ['rules/'], imports: ['service'] },
  { name: 'dashboards', paths: ['dashboards/'], imports: ['rules'] },
  {
    name: 'stack',
    paths: ['components/stack/'],
    imports: ['dashboards', 'tools'],
    why: 'synth renders files; the platforms, the runtime and the Pulumi components run them',
  },
  {
    name: 'platforms',
    paths: ['components/platforms/'],
    imports: ['stack'],
    why: 'platform-neutral workloads and their Docker and Kubernetes resources; the runtime and Pulumi run them',
  },
  {
    name: 'channels',
    paths: ['components/runtime/channels/'],
    imports: ['model'],
    why: 'the alert inbox image is built from components/model and components/runtime/channels only',
  },
  {
    name: 'local',
    paths: ['components/runtime/local/', 'components/runtime/processes.ts'],
    imports: ['platforms'],
    why: 'the runtime sits beside the Pulumi components: neither imports the other',
  },
  {
    name: 'drill',
    paths: ['components/runtime/drill/'],
    imports: ['local', 'channels'],
    why: 'the runtime sits beside the Pulumi components: neither imports the other',
  },
  {
    name: 'pulumi',
    paths: ['components/pulumi/'],
    imports: ['platforms'],
    why: 'the Pulumi components sit beside the runtime: neither imports the other',
  },
  {
    name: 'backend',
    paths: ['backend/'],
    imports: ['model'],
    why: 'the example backend image is built from components/model and backend only',
  },
  { name: 'infra', paths: ['infra/'], imports: ['pulumi', 'backend'] },
  { name: 'cli', paths: ['cli/'], imports: ['infra', 'drill'] },
  { name: 'fixtures', paths: [], imports: ['cli'], why: 'fixtures, for tests and test helpers only' },
  {
    name: 'test',
    paths: ['test/'],
    imports: ['cli', 'fixtures'],
    why: 'test helpers, which bench and scripts may use too',
  },
  { name: 'bench', paths: ['bench/'], imports: ['test'] },
  { name: 'scripts', paths: ['scripts/'], imports: ['bench'] },
];

export const ROLES: Roles = {
  testSupport: (file) => posix.basename(file) === 'testing.ts',
  fixture: (file) => posix.basename(file) === 'example.ts',
};

/** Folders whose `.ts` files make up the program (test files, `*.test.ts`, are left out). */
export const SOURCE_ROOTS = [
  'infra',
  'components',
  'rules',
  'dashboards',
  'backend',
  'cli',
  'bench',
  'scripts',
  'test',
];

const SKIP_DIRS = new Set(['node_modules', 'dist', '.tools', 'testdata', 'corpus']);

function isSource(name: string): boolean {
  return name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts');
}

/** The non-test `.ts` files below the source roots, relative to `root` with `/`, sorted. */
export function sourceFiles(root: string, roots: readonly string[] = SOURCE_ROOTS): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(path);
      } else if (entry.isFile() && isSource(entry.name)) {
        out.push(relative(root, path).split(sep).join('/'));
      }
    }
  };
  for (const top of roots) if (existsSync(join(root, top))) walk(join(root, top));
  return out.sort();
}

/** Every module specifier a file names, with its line, found by TypeScript's parser. */
export function specifiersOf(file: string, text: string): { specifier: string; line: number }[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: { specifier: string; line: number }[] = [];
  const add = (literal: ts.Node | undefined) => {
    if (literal && ts.isStringLiteralLike(literal)) {
      const line = source.getLineAndCharacterOfPosition(literal.getStart(source)).line + 1;
      found.push({ specifier: literal.text, line });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference))
      add(node.moduleReference.expression);
    else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    )
      add(node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * The file a relative specifier names, as TypeScript resolves it (`./x` is `x.ts` or `x/index.ts`,
 * `./x.js` may name `x.ts`); undefined for a package. A relative specifier that names no file throws.
 */
export function resolveSpecifier(
  from: string,
  specifier: string,
  exists: (file: string) => boolean,
): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  const base = posix.normalize(posix.join(posix.dirname(from), specifier));
  const candidates = [
    base,
    `${base}.ts`,
    `${base}/index.ts`,
    ...(base.endsWith('.js') ? [`${base.slice(0, -3)}.ts`] : []),
  ];
  const found = candidates.find((candidate) => candidate.endsWith('.ts') && exists(candidate));
  if (found) return found;
  // A JSON file or a JavaScript launcher: no TypeScript of the project behind it.
  if (exists(base)) return undefined;
  throw new Error(`${from}: import '${specifier}' names no file`);
}

/** Reads the import graph of the repository below `root`. */
export function readImportGraph(root: string): ImportGraph {
  const files = sourceFiles(root);
  const exists = (file: string) => existsSync(join(root, file)) && statSync(join(root, file)).isFile();
  const edges: ImportEdge[] = [];
  for (const from of files) {
    for (const { specifier, line } of specifiersOf(from, readFileSync(join(root, from), 'utf8'))) {
      const to = resolveSpecifier(from, specifier, exists);
      if (to !== undefined && isSource(to)) edges.push({ from, to, line, specifier });
    }
  }
  return { files, edges };
}

/** The layer a file belongs to: test helper, fixture, then the longest matching path; undefined if none. */
export function layerOf(
  file: string,
  layers: readonly Layer[] = LAYERS,
  roles: Roles = ROLES,
): string | undefined {
  const defined = (name: string) => layers.some((layer) => layer.name === name);
  if (roles.testSupport(file) && defined('test')) return 'test';
  if (roles.fixture(file) && defined('fixtures')) return 'fixtures';
  let best: { name: string; length: number } | undefined;
  for (const layer of layers)
    for (const path of layer.paths)
      if ((path.endsWith('/') ? file.startsWith(path) : file === path) && path.length > (best?.length ?? -1))
        best = { name: layer.name, length: path.length };
  return best?.name;
}

/** For each layer, every layer it may import: itself, the ones right below it, and theirs. */
export function allowedImports(layers: readonly Layer[]): Map<string, Set<string>> {
  const byName = new Map(layers.map((layer) => [layer.name, layer]));
  const allowed = new Map<string, Set<string>>();
  const visiting = new Set<string>();
  const of = (name: string): Set<string> => {
    const known = allowed.get(name);
    if (known) return known;
    const layer = byName.get(name);
    if (!layer) throw new Error(`layer ${name} is not defined`);
    if (visiting.has(name)) throw new Error(`the layers form a cycle through ${name}`);
    visiting.add(name);
    const set = new Set([name]);
    for (const below of layer.imports) for (const reachable of of(below)) set.add(reachable);
    visiting.delete(name);
    allowed.set(name, set);
    return set;
  };
  for (const layer of layers) of(layer.name);
  return allowed;
}

/**
 * Imports against the direction, and files no layer holds; one line each, naming the file, the line,
 * the file imported and the rule broken.
 */
export function directionProblems(
  graph: ImportGraph,
  layers: readonly Layer[] = LAYERS,
  roles: Roles = ROLES,
): string[] {
  const allowed = allowedImports(layers);
  const byName = new Map(layers.map((layer) => [layer.name, layer]));
  const problems: string[] = [];
  for (const file of graph.files)
    if (layerOf(file, layers, roles) === undefined)
      problems.push(`${file}: in no layer; add its folder to a layer (test/architecture/imports.ts)`);
  for (const edge of graph.edges) {
    const from = layerOf(edge.from, layers, roles);
    const to = layerOf(edge.to, layers, roles);
    if (from === undefined || to === undefined || allowed.get(from)!.has(to)) continue;
    const may = [...allowed.get(from)!].filter((name) => name !== from);
    const why = byName.get(from)?.why;
    problems.push(
      `${edge.from}:${edge.line} imports ${edge.to} ('${edge.specifier}'): ${from} may not import ${to}` +
        ` (${from} imports ${may.length > 0 ? `only ${may.join(', ')}` : 'nothing of the project'})` +
        (why ? `; ${why}` : ''),
    );
  }
  return problems;
}

/**
 * Every import cycle, one per strongly connected group of files: the shortest cycle through its first
 * file, written `a.ts:3 -> b.ts:7 -> a.ts` (each file with the line of its import of the next).
 */
export function importCycles(graph: ImportGraph): string[] {
  const next = new Map<string, ImportEdge[]>();
  for (const edge of graph.edges) next.set(edge.from, [...(next.get(edge.from) ?? []), edge]);
  const cycles: string[] = [];
  for (const group of stronglyConnected(graph.files, next)) {
    const start = [...group].sort()[0];
    const selfLoop = (next.get(start) ?? []).find((edge) => edge.to === start);
    if (group.size === 1 && !selfLoop) continue;
    const path = selfLoop ? [selfLoop] : shortestCycle(start, group, next);
    cycles.push(`${path.map((edge) => `${edge.from}:${edge.line}`).join(' -> ')} -> ${start}`);
  }
  return cycles.sort();
}

/** Tarjan's algorithm, iteratively (a long chain of imports must not overflow the stack). */
function stronglyConnected(files: readonly string[], next: Map<string, ImportEdge[]>): Set<string>[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const groups: Set<string>[] = [];
  let counter = 0;
  for (const root of files) {
    if (index.has(root)) continue;
    const work: { file: string; edge: number }[] = [{ file: root, edge: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const edges = next.get(frame.file) ?? [];
      if (frame.edge < edges.length) {
        const to = edges[frame.edge++].to;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ file: to, edge: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.file, Math.min(low.get(frame.file)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].file;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.file)!));
      }
      if (low.get(frame.file) === index.get(frame.file)) {
        const group = new Set<string>();
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          group.add(member);
        } while (member !== frame.file);
        groups.push(group);
      }
    }
  }
  return groups;
}

/** Breadth-first, inside one group: the fewest imports that lead from `start` back to it. */
function shortestCycle(start: string, group: Set<string>, next: Map<string, ImportEdge[]>): ImportEdge[] {
  const via = new Map<string, ImportEdge>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const edge of next.get(queue[i]) ?? []) {
      if (!group.has(edge.to)) continue;
      if (edge.to === start) {
        const path = [edge];
        for (let at = edge.from; at !== start; at = via.get(at)!.from) path.unshift(via.get(at)!);
        return path;
      }
      if (!via.has(edge.to)) {
        via.set(edge.to, edge);
        queue.push(edge.to);
      }
    }
  }
  throw new Error(`no cycle through ${start}`);
}

/** The repository root, two folders above this file. */
export const REPO_ROOT = dirname(dirname(__dirname));
