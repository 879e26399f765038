// A job kind's CLI command (src-main/jobs/<kind>.ts `cli`), run through the lab service in this process: the flags
// become wire params, the service checks them exactly as for a UI client (bad input or unaffordable work: exit 2)
// and runs them; the kind's printer writes progress and the result. A kind's one TensorFlow.js task runs in this
// thread, so Ctrl-C is seen at the task's next step; the cells of a sweep (runsOn.cells) run on the TF worker pool
// (--workers; Ctrl-C cancels them at their next step, and closing the service ends the workers).
import type { JobKind, JobOutputOf } from '../../src-shared/contract/kinds';
import type { BackendInfo } from '../tf/backend';
import { withFlagNames } from './flag-names';
import type { JobDefinition } from '../jobs/define';
import { EXIT_FAILED, EXIT_USAGE, type CliCommand, type CliIo } from './command';

export interface CliCommandText {
  /** One line for `ntk-lab --help`. */
  summary: string;
  /** Full text for `ntk-lab <name> --help`. */
  usage: string;
}

/** What a printer knows about its run. */
export interface CliRunInfo<C> {
  /** The checked params that run. */
  params: C;
  json: boolean;
  io: CliIo;
  /** Starts the TensorFlow.js engine (if not yet) and resolves with its backend. */
  tensorflow(): Promise<BackendInfo>;
  /** Worker threads of the sampling pool. */
  workers: number;
  /** TF workers the engine spreads tasks over (1 until tensorflow() resolved; 1 for the in-thread tasks). */
  tfWorkers(): number;
}

export interface CliPrinter<K extends JobKind> {
  /** Before the job starts (a header; may start the TensorFlow.js engine). */
  start?(): Promise<void> | void;
  progress(output: JobOutputOf<K>): void;
  /** The done output; returns the exit code. */
  done(output: JobOutputOf<K>): number;
  /** Clean up after a failure (e.g. clear the progress line); return an exit code to override the default. */
  failed?(err: { code: string; message: string; cause?: unknown }): number | undefined;
}

/** The `ntk-lab <kind>` command of a job definition. */
export function jobCommand<K extends JobKind, C, P>(def: JobDefinition<K, C, P>): CliCommand {
  const name = def.contract.kind;
  return {
    name,
    summary: def.cli.summary,
    usage: def.cli.usage,
    async run(args: string[], io: CliIo): Promise<number> {
      const request = def.cli.parse(args);
      // loaded here, not at the top, so that --help and the other commands do not load the engine
      const { LabService, LabServiceError } = await import('../service/lab-service');
      // one TF task per job runs in this thread; a sweep's cells go to the TF worker pool (runsOn.cells)
      const cells = def.runsOn.engine === 'tf' && def.runsOn.cells === true;
      const service = new LabService({ ...request.service, detectTensorflowOnConnect: false, tfInProcess: !cells });
      let printer: CliPrinter<K> | undefined;
      try {
        // with --shard the cost limit applies to the shard this process runs
        const checked = service.checkKind(name, request.params, { shard: request.shard });
        printer = def.cli.printer({
          params: checked.params as C,
          json: request.json,
          io,
          tensorflow: () => service.tensorflow(),
          workers: service.info('in-process').workers,
          tfWorkers: () => service.info('in-process').tensorflow?.workers ?? 1,
        });
        await printer.start?.();
        const output = await service.runChecked(checked, (o) => printer!.progress(o as JobOutputOf<K>), {
          signal: io.signal,
          storeDir: request.storeDir,
          shard: request.shard,
        });
        return printer.done(output as JobOutputOf<K>);
      } catch (err) {
        const e =
          err instanceof LabServiceError
            ? { code: err.code, message: err.message, cause: err.cause }
            : { code: 'failed', message: err instanceof Error ? err.message : String(err) };
        const code = printer?.failed?.(e);
        if (code !== undefined) return code;
        if (e.code === 'bad-request' || e.code === 'refused') {
          // the check names contract fields; the user typed flags
          io.stderr(`ntk-lab ${name}: ${withFlagNames(e.message, def.cli.usage)}\n(see ntk-lab ${name} --help)\n`);
          return EXIT_USAGE;
        }
        io.stderr(`ntk-lab ${name}: ${e.message}\n`);
        return EXIT_FAILED;
      } finally {
        await service.close();
      }
    },
  };
}
