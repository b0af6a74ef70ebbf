import { createApp } from './app';
import { readConfig } from './config';
import { startTraffic, type TrafficGenerator } from './traffic';

/** Starts the backend from environment variables (see README.md) and stops it cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = readConfig(process.env);
  const log = (line: string) => console.log(`${new Date().toISOString()} ${config.SERVICE_NAME} ${line}`);
  const app = createApp({ serviceName: config.SERVICE_NAME, log });
  const url = await app.listen(config.PORT, config.HOST);
  log(`listening on ${url}`);

  let traffic: TrafficGenerator | undefined;
  if (config.TRAFFIC_RPS > 0) {
    const address = app.server.address();
    const port = address !== null && typeof address === 'object' ? address.port : config.PORT;
    // Loopback, whatever HOST is: the generator calls this very process.
    traffic = startTraffic({ baseUrl: `http://127.0.0.1:${port}`, rps: config.TRAFFIC_RPS });
    log(`traffic generator on: ${config.TRAFFIC_RPS} requests/s`);
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received, shutting down`);
    void (async () => {
      await traffic?.stop();
      await app.close();
      log('stopped');
      process.exitCode = 0;
    })();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
