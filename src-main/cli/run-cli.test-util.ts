// Tests only: run `ntk-lab` in-process (main) with captured output.
import type { CliIo } from './command';
import { main } from './main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `signal`: passed as the Ctrl-C signal; `abortAfterLines`: abort it (as Ctrl-C) once stdout holds more lines. */
export async function runCli(
  args: string[],
  opts: { signal?: AbortSignal; abortAfterLines?: number } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const ctl = new AbortController();
  opts.signal?.addEventListener('abort', () => ctl.abort(), { once: true });
  if (opts.signal?.aborted) ctl.abort();
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
      if (opts.abortAfterLines !== undefined && stdout.split('\n').length > opts.abortAfterLines) ctl.abort();
    },
    stderr: (t) => void (stderr += t),
    stderrIsTTY: false,
    signal: ctl.signal,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
