import { join } from 'node:path';
import { TEST_STACKS_DIR } from '../components/stack/testing';
import { renderBase, startBaseRender, type BaseOutcome, type BaseRequest } from './base-render';
import { PROJECT_ROOT } from './stacks';

/**
 * Key order and keys holding undefined count; prototypes do not (the thread's objects are made in
 * Node's own realm, the test's in Jest's).
 */
const exact = (value: unknown) =>
  JSON.stringify(value, (_key, v: unknown) => (v === undefined ? '<undefined>' : v));

/** This checkout as its own base: the thread loads the same code the test runs. */
const request = (root: string, stack: string): BaseRequest => ({
  top: PROJECT_ROOT,
  dir: PROJECT_ROOT,
  projectRoot: PROJECT_ROOT,
  root,
  stack,
});

async function onThread(req: BaseRequest): Promise<BaseOutcome> {
  return startBaseRender(req).outcome;
}

describe('rendering the base of a diff on a worker thread', () => {
  it('gives the files and typed objects rendering it here gives', async () => {
    const req = request(TEST_STACKS_DIR, 'docker');
    const here = renderBase(req);
    const there = await onThread(req);
    expect(here.kind).toBe('rendered');
    expect(there.kind).toBe('rendered');
    const [a, b] = [here, there] as Extract<BaseOutcome, { kind: 'rendered' }>[];
    expect(Object.keys(b.files)).toEqual(Object.keys(a.files));
    expect(b.files).toEqual(a.files);
    expect(b.rendered).toBeDefined();
    expect(exact(b.rendered)).toBe(exact(a.rendered));
  }, 120_000);

  it('reports a base whose stack does not validate with the same issues', async () => {
    const req = request(join(__dirname, 'testdata', 'stacks'), 'broken');
    const there = await onThread(req);
    expect(there.kind).toBe('invalid');
    expect(exact(there)).toBe(exact(renderBase(req)));
    expect(JSON.stringify(there)).toContain('stack.prometheus');
  }, 120_000);

  it('says when the base has no such stack, and passes usage errors on', async () => {
    expect(await onThread(request(TEST_STACKS_DIR, 'no-such-stack'))).toEqual({ kind: 'missing' });
    const usage = await onThread(request(TEST_STACKS_DIR, 'bad name!'));
    expect(usage.kind).toBe('usage');
    expect(exact(usage)).toBe(exact(renderBase(request(TEST_STACKS_DIR, 'bad name!'))));
  }, 120_000);

  it('stops the thread when the base is no longer wanted', async () => {
    const render = startBaseRender(request(TEST_STACKS_DIR, 'docker'));
    await render.cancel();
    expect(await render.outcome).toEqual({ kind: 'failed', message: 'cancelled' });
  }, 120_000);
});
