import { notificationLine, readInboxConfig } from './inbox';
import { startChannelSinks } from './sinks';

/** Starts the alert inbox from environment variables (inbox.ts) and stops it cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = readInboxConfig(process.env);
  const log = (line: string) => console.log(line);
  const sinks = await startChannelSinks({
    host: config.HOST,
    httpPort: config.HTTP_PORT,
    smtpPort: config.SMTP_PORT,
    keep: config.KEEP,
    onNotification: (n) => log(notificationLine(n)),
  });
  log(
    `alert inbox: webhooks, Slack and PagerDuty on http://${sinks.host}:${sinks.httpPort}, ` +
      `e-mail on ${sinks.smarthost}; GET /notifications lists the newest ${config.KEEP}`,
  );
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received, shutting down`);
    void sinks.close().then(() => {
      process.exitCode = 0;
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
