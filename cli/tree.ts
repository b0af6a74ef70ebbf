import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { synthStack, StackLayout, SynthResult } from '../components/stack';
import type { ServiceDefinition } from '../components/service';
import { UsageError } from './args';
import { PROJECT_ROOT, readStackInput } from './stacks';

/** The code that renders a stack: the synth function and the service catalogue of one source tree. */
export interface StackTree {
  root: string;
  synthStack: typeof synthStack;
  services: readonly ServiceDefinition[];
  /** Existing rule files deployed beside the generated ones (infra/rules), when the tree has them. */
  ruleFiles?: () => Record<string, string>;
}

const SYNTH_MODULE = join('components', 'stack', 'index.ts');
const CATALOGUE_MODULE = join('infra', 'services', 'index.ts');
const RULE_FILES_MODULE = join('infra', 'rule-files.ts');

/**
 * This tree's code, or another checkout's (a git base). Another tree is loaded with its own modules so
 * that its files are rendered exactly as that commit renders them; the contract is only
 * `synthStack(input, services, options)` and `services`, both stable since the stack synth exists.
 */
export function loadTree(root: string): StackTree {
  const dir = resolve(root);
  if (dir === PROJECT_ROOT) return thisTree();
  for (const module of [SYNTH_MODULE, CATALOGUE_MODULE]) {
    if (!existsSync(join(dir, module))) {
      throw new UsageError(`${dir} has no ${module}: it predates the stack synth, nothing to compare with`);
    }
  }
  // tsx's hook (registered by the launcher) compiles the other tree's TypeScript as it is required.
  const load = createRequire(join(dir, 'package.json'));
  const stack = load(join(dir, SYNTH_MODULE)) as { synthStack?: typeof synthStack };
  const catalogue = load(join(dir, CATALOGUE_MODULE)) as { services?: ServiceDefinition[] };
  if (typeof stack.synthStack !== 'function' || !Array.isArray(catalogue.services)) {
    throw new UsageError(`${dir}: components/stack exports no synthStack or infra/services no services`);
  }
  // Older trees have no vendored rule files; their stacks render without them, as they deployed.
  const vendored = existsSync(join(dir, RULE_FILES_MODULE))
    ? (load(join(dir, RULE_FILES_MODULE)) as { vendoredRuleFiles?: () => Record<string, string> })
    : {};
  return {
    root: dir,
    synthStack: stack.synthStack,
    services: catalogue.services,
    ...(typeof vendored.vendoredRuleFiles === 'function' ? { ruleFiles: vendored.vendoredRuleFiles } : {}),
  };
}

/**
 * This checkout's code, required when first asked for rather than imported: the thread that renders the
 * base of a diff (base-render.ts) loads this module for another checkout only, and building this
 * checkout's catalogue there as well cost it seconds at 1,000 services.
 */
function thisTree(): StackTree {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const stack = require('../components/stack') as typeof import('../components/stack');
  const catalogue = require('../infra/services') as typeof import('../infra/services');
  const vendored = require('../infra/rule-files') as typeof import('../infra/rule-files');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return {
    root: PROJECT_ROOT,
    synthStack: stack.synthStack,
    services: catalogue.services,
    ruleFiles: vendored.vendoredRuleFiles,
  };
}

/**
 * Reads `Pulumi.<env>.yaml` from `configRoot` and renders it with the tree's code, with the same inputs
 * the Pulumi program deploys: the service catalogue and the vendored rule files.
 */
export function synthWith(
  tree: StackTree,
  configRoot: string,
  environment: string,
  layout?: StackLayout,
): SynthResult {
  const input = readStackInput(configRoot, environment);
  return tree.synthStack(input, tree.services, {
    environment,
    ...(layout ? { layout } : {}),
    ...(tree.ruleFiles ? { ruleFiles: tree.ruleFiles() } : {}),
  });
}
