// What every `ntk-lab` command is. A command is one file in ./commands that exports `command` (found by main.ts).

/** Where a command writes. Tests substitute their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Progress may be drawn on stderr only when it is a terminal. */
  stderrIsTTY: boolean;
  /** Aborted on Ctrl-C: long commands stop and clean up. */
  signal?: AbortSignal;
}

export interface CliCommand {
  name: string;
  /** One line for `ntk-lab --help`. */
  summary: string;
  /** Full text for `ntk-lab <name> --help`. */
  usage: string;
  /** Run with the arguments after the command name; returns the exit code. Throw UsageError for bad input. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** Bad command-line input: reported on stderr, exit code 2, nothing on stdout. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
