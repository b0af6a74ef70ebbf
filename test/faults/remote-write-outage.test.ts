import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withLogin, type LocalStack, type WebCredentials } from '../../components/runtime/local';
import {
  freePort,
  getJson,
  startProcess,
  waitFor,
  type RunningProcess,
} from '../../components/runtime/processes';
import { testStackConfig } from '../../components/stack/testing';
import { findTool } from '../../components/tools/binaries';
import { cleanUpFaults, faultRoot, metricValue, startFaultStack } from './testing';

/*
 * Prometheus reads remote-write samples from its write-ahead log and retries a send that fails with a
 * connection error or a 5xx for as long as it takes (backoff up to `max_backoff`, 5s by default). So an
 * endpoint that is down loses nothing as long as it is back before the samples leave the log (about two
 * hours, at a head compaction): the queue then drains and the remote copy has no gap.
 */

/** A second, real Prometheus that only receives remote write, stopped and started on the same data. */
class Receiver {
  private process: RunningProcess | undefined;

  private constructor(
    readonly url: string,
    private readonly args: string[],
  ) {}

  static async create(root: string): Promise<Receiver> {
    const port = await freePort();
    mkdirSync(join(root, 'receiver-data'), { recursive: true });
    writeFileSync(join(root, 'receiver.yml'), 'scrape_configs: []\n');
    return new Receiver(`http://127.0.0.1:${port}`, [
      `--config.file=${join(root, 'receiver.yml')}`,
      `--storage.tsdb.path=${join(root, 'receiver-data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
    ]);
  }

  async start(): Promise<void> {
    const run = startProcess('remote-write receiver', findTool('prometheus'), this.args);
    this.process = run;
    await waitFor(async () => ((await fetch(`${this.url}/-/ready`)).ok ? true : undefined), {
      timeoutMs: 30_000,
      describe: () => `the receiver is not ready:\n${run.output()}`,
    });
  }

  async stop(): Promise<void> {
    await this.process?.stop(10_000);
  }
}

interface RangeVector {
  data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
}

/**
 * Timestamps (seconds) of the sender's own `up` series in the last hour, oldest first, as `url` has them
 * (the sender asks for its login, the receiver for none).
 */
async function upTimestamps(url: string, login?: WebCredentials): Promise<number[]> {
  const query = encodeURIComponent('up{job="prometheus"}[1h]');
  const body = await getJson<RangeVector>(
    `${url}/api/v1/query?query=${query}`,
    login ? withLogin(login) : {},
  );
  expect(body.data.result.length).toBeLessThanOrEqual(1);
  return body.data.result[0]?.values.map(([t]) => t) ?? [];
}

describe('the remote-write endpoint down for a while', () => {
  let receiver: Receiver | undefined;
  let stack: LocalStack | undefined;

  afterAll(async () => {
    // The sender first: stopping, it waits for a receiver that is gone (up to its flush deadline).
    await stack?.stop();
    await receiver?.stop();
    await cleanUpFaults();
  });

  it('gets every sample of the outage once it is back: the queue drains, no gap', async () => {
    const root = faultRoot();
    receiver = await Receiver.create(root);
    await receiver.start();
    const base = testStackConfig('docker');
    stack = await startFaultStack({
      ...base,
      prometheus: {
        ...base.prometheus,
        scrapeInterval: '1s',
        scrapeTimeout: '1s',
        evaluationInterval: '1s',
        remoteWrite: [{ url: `${receiver.url}/api/v1/write`, name: 'fault-receiver' }],
      },
    });
    const sender = stack.urls.prometheus;
    await waitFor(async () => ((await upTimestamps(receiver!.url)).length >= 3 ? true : undefined), {
      timeoutMs: 30_000,
      describe: () => 'the receiver got no samples',
    });

    await receiver.stop();
    const downAt = Date.now() / 1000;
    // The outage lasts until the sender has scraped five more times and has failed to send.
    await waitFor(
      async () => {
        const scraped = (await upTimestamps(sender, stack!.webAuth)).filter((t) => t > downAt).length >= 5;
        const retried =
          (await metricValue(sender, 'prometheus_remote_storage_samples_retried_total', stack!.webAuth)) ?? 0;
        return scraped && retried > 0 ? true : undefined;
      },
      { timeoutMs: 30_000, describe: () => 'the sender did not scrape, or did not retry, during the outage' },
    );
    const outage = (await upTimestamps(sender, stack!.webAuth)).filter((t) => t > downAt);
    await receiver.start();

    // Drained: the receiver has caught up with a sample the sender took after the endpoint was back.
    const backAt = Date.now() / 1000;
    const cutoff = await waitFor(
      async () => {
        const after = (await upTimestamps(sender, stack!.webAuth)).find((t) => t > backAt);
        return after !== undefined && (await upTimestamps(receiver!.url)).includes(after) ? after : undefined;
      },
      { timeoutMs: 60_000, describe: () => 'the sender never caught up with the receiver' },
    );

    const sent = await upTimestamps(sender, stack!.webAuth);
    const received = await upTimestamps(receiver.url);
    const from = received[0];
    expect(sent.filter((t) => t >= from && t <= cutoff)).toEqual(received.filter((t) => t <= cutoff));
    expect(received).toEqual(expect.arrayContaining(outage));
    expect(outage.length).toBeGreaterThanOrEqual(5);
  }, 120_000);
});
