// `npm run serve`: start web mode and print exactly one stdout line, "NTK Phase Lab (web mode): <url>",
// which people open and the e2e specs parse. Everything else goes to stderr.
import { isLoopbackHost } from '../transport/access';
import { startWebHost } from './host';
import { parseServeArgs, SERVE_USAGE } from './serve-args';

async function main(): Promise<void> {
  const args = parseServeArgs(process.argv.slice(2));
  if (args.help) {
    process.stderr.write(`${SERVE_USAGE}\n`);
    return;
  }
  if (!isLoopbackHost(args.host)) {
    process.stderr.write(
      `\n*** WARNING: binding to ${args.host}, not loopback. Anyone who can reach this machine and learns the URL's token can run jobs on it. ***\n\n`,
    );
  }
  const host = await startWebHost({ port: args.port, host: args.host, rendererDir: args.rendererDir });
  process.stdout.write(`NTK Phase Lab (web mode): ${host.url}\n`);

  let stoppingSince: number | undefined;
  const stop = (signal: NodeJS.Signals): void => {
    // A second Ctrl-C forces it; one within a second is the same keypress delivered twice (terminal + npm start).
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince > 1000) process.exit(130);
      return;
    }
    stoppingSince = Date.now();
    process.stderr.write(`${signal}: stopping the lab…\n`);
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    host.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`error while stopping: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `NTK Phase Lab (web mode) failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
