import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { TEST_STACKS_DIR } from '../components/stack/testing';
import { DIFF_HELP } from './help';
import { runCli } from './testing';

/** The pull request workflow cannot run here: what it asks of promstack, and its comment script, can. */
interface Step {
  name?: string;
  run?: string;
  uses?: string;
  if?: string;
  with?: { script?: string };
}

const WORKFLOW = join(__dirname, '..', '.github', 'workflows', 'pr.yml');
const workflow = parse(readFileSync(WORKFLOW, 'utf8')) as { jobs: { review: { steps: Step[] } } };
const steps = workflow.jobs.review.steps;
const runs = steps.flatMap((step) => (step.run ? [step.run] : [])).join('\n');

/** Every `npx promstack diff …` line of the review job, as arguments, shell quotes removed. */
const diffCalls = [...runs.matchAll(/npx promstack (diff [^\n|>]*)/g)].map((m) =>
  m[1]
    .trim()
    .split(/\s+/)
    .map((word) => word.replace(/^"(.*)"$/, '$1')),
);

const commentStep = steps.find((step) => step.uses?.startsWith('actions/github-script@'));

describe('the pull request workflow', () => {
  it('runs promstack diff only with options diff --help documents, --summary among them', () => {
    expect(diffCalls.length).toBeGreaterThanOrEqual(2);
    for (const call of diffCalls) {
      for (const option of call.filter((word) => word.startsWith('--'))) {
        expect(DIFF_HELP).toMatch(new RegExp(`^ {2}${option}\\b`, 'm'));
      }
    }
    expect(diffCalls.some((call) => call.includes('--summary'))).toBe(true);
  });

  it("runs the summary command as written, and it prints the stack's markdown", async () => {
    const call = diffCalls.find((c) => c.includes('--summary'))!;
    // The base of a pull request is a git ref; here the stack is compared with itself instead.
    const args = call
      .slice(1)
      .map((word) => (word === '$stack' ? 'docker' : word))
      .flatMap((word, i, all) => (word === '--base' ? [] : all[i - 1] === '--base' ? [] : [word]));
    const run = await runCli(['diff', ...args, '--against', 'docker', '--root', TEST_STACKS_DIR]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      '### Stack docker: paging changes against stack docker\n\nNo paging change.\n\nRendered files: identical.\n',
    );
  });

  it('comments the file the summary is written to, after a failed check too, but not from forks', () => {
    const written = /--summary >> (\S+)/.exec(runs)?.[1];
    expect(written).toBe('paging-summary.md');
    expect(commentStep?.with?.script).toContain(`readFileSync('${written}'`);
    expect(commentStep?.if).toContain('!cancelled()');
    expect(commentStep?.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
  });

  describe('its comment script', () => {
    type Comment = { id: number; body: string; user: { type: string } };
    /** Runs the step's script as actions/github-script does, against a pull request holding `comments`. */
    async function post(comments: Comment[], summary: string | undefined) {
      const calls: { method: string; body?: string; comment_id?: number }[] = [];
      const fs = {
        existsSync: (path: string) => path === 'paging-summary.md' && summary !== undefined,
        readFileSync: () => summary,
      };
      const github = {
        paginate: (method: unknown) =>
          Promise.resolve(method === github.rest.issues.listComments ? comments : []),
        rest: {
          issues: {
            listComments: () => undefined,
            updateComment: (p: { comment_id: number; body: string }) =>
              calls.push({ method: 'update', ...p }),
            createComment: (p: { body: string }) => calls.push({ method: 'create', ...p }),
          },
        },
      };
      const context = { repo: { owner: 'o', repo: 'r' }, issue: { number: 7 } };
      const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
        ...args: string[]
      ) => (...values: unknown[]) => Promise<void>;
      await new AsyncFunction('require', 'github', 'context', commentStep!.with!.script!)(
        (name: string) => (name === 'fs' ? fs : undefined),
        github,
        context,
      );
      return calls;
    }

    const summary =
      '### Stack dev: paging changes against origin/main (0123456789ab)\n\n- X (y) now pages z\n';

    it('creates one comment, then updates it on the next push, never a person’s comment', async () => {
      const [created] = await post([], summary);
      expect(created.method).toBe('create');
      expect(created.body).toContain(summary);
      const mine: Comment = { id: 3, body: created.body!, user: { type: 'Bot' } };
      const copied: Comment = { id: 2, body: created.body!, user: { type: 'User' } };
      expect(await post([copied, mine], summary.replace('now pages', 'no longer pages'))).toEqual([
        {
          method: 'update',
          owner: 'o',
          repo: 'r',
          comment_id: 3,
          body: expect.stringContaining('no longer pages'),
        },
      ]);
    });

    it('stays under the size GitHub accepts, and posts nothing when no summary was written', async () => {
      const [long] = await post([], summary.repeat(2000));
      expect(long.body!.length).toBeLessThan(65536);
      expect(long.body).toContain('(cut: the job log has everything)');
      expect(await post([], undefined)).toEqual([]);
    });
  });
});
