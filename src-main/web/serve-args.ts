// Command-line flags of `npm run serve` (src-main/web/serve.ts), parsed strictly so typos fail loudly.

export interface ServeArgs {
  port: number;
  host: string;
  rendererDir?: string;
  help: boolean;
}

export const SERVE_USAGE = `Usage: npm run serve -- [--port <n>] [--host <address>] [--renderer-dir <path>]
  --port <n>            TCP port, 0 = pick a free one (default 0)
  --host <address>      interface to bind (default 127.0.0.1; anything else exposes the lab to your network)
  --renderer-dir <path> built renderer to serve (default out/renderer, made by \`npm run build\`)`;

export function parseServeArgs(argv: readonly string[]): ServeArgs {
  const args: ServeArgs = { port: 0, host: '127.0.0.1', help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const [flag, inline] = arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new RangeError(`${flag} needs a value\n${SERVE_USAGE}`);
      return v;
    };
    switch (flag) {
      case '--port': {
        const text = value();
        const port = /^\d+$/.test(text) ? Number(text) : NaN;
        if (!Number.isInteger(port) || port > 65535)
          throw new RangeError(`--port must be an integer in 0–65535 (got ${JSON.stringify(text)})`);
        args.port = port;
        break;
      }
      case '--host':
        args.host = value();
        break;
      case '--renderer-dir':
        args.rendererDir = value();
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        throw new RangeError(`unknown argument ${JSON.stringify(arg)}\n${SERVE_USAGE}`);
    }
  }
  return args;
}
