import { services } from '../../infra/services';
import { ValidationError } from '../model/errors';
import type { StackConfigInput } from '../stack';
import { secretValues, testStackConfig, TEST_STACK_SECRETS } from '../stack/testing';
import { planMonitoringStack } from './stack';

const SECRETS = secretValues(TEST_STACK_SECRETS.kubernetes);

/** The problems planning the Kubernetes test stack finds, changed by `change`, as environment `environment`. */
function problems(environment: string, change: (config: StackConfigInput & Record<string, unknown>) => void) {
  const stack = testStackConfig('kubernetes') as StackConfigInput & Record<string, unknown>;
  change(stack);
  try {
    planMonitoringStack({ stack, services, environment, secrets: SECRETS });
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.issues.map((i) => `${i.path}: ${i.message}`);
  }
}

/** A dead man's switch: nobody notices a dead Prometheus or Alertmanager without one. */
describe('the Watchdog receiver', () => {
  const without = (stack: Record<string, unknown>) => delete stack.watchdogReceiver;

  it('is required before anything deploys outside dev, naming the field and what to put there', () => {
    expect(problems('prod', without)).toEqual([
      expect.stringMatching(
        /^stack\.watchdogReceiver: required outside dev \(this is prod\): without a dead man's switch nobody notices .*heartbeat service/,
      ),
    ]);
  });

  it('may be left out of a dev stack', () => expect(problems('dev', without)).toEqual([]));

  it('passes as the test stack sets it (a heartbeat webhook)', () =>
    expect(problems('prod', () => undefined)).toEqual([]));

  it('must notify something: a receiver without an integration is no switch', () => {
    expect(
      problems('prod', (stack) => {
        stack.receivers = [...stack.receivers, { name: 'nobody' }];
        stack.watchdogReceiver = 'nobody';
      }),
    ).toEqual([expect.stringMatching(/^stack\.watchdogReceiver: receiver nobody notifies nothing/)]);
  });
});
