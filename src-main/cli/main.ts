// `ntk-lab <command> [flags]`: dispatch to the job kinds' commands (src-main/jobs: every kind has one, run through
// the lab service) and to the plain commands in ./commands (one file per command, found at startup).
// Exit codes: 0 ok, 1 the computation failed, 2 bad input (message on stderr, nothing on stdout).
import { readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { jobCommands } from '../jobs';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, type CliCommand, type CliIo } from './command';

const COMMANDS_DIR = new URL('./commands/', import.meta.url);

/** A command file that failed to load: reported when it is asked for, without breaking the other commands. */
interface BrokenCommand {
  name: string;
  error: string;
}

/** Every job kind's command and every command module in ./commands, sorted by name. */
async function loadCommands(): Promise<{ commands: CliCommand[]; broken: BrokenCommand[] }> {
  const files = readdirSync(COMMANDS_DIR)
    .filter((f) => /\.[cm]?[jt]s$/.test(f) && !/\.(test|spec)\.[cm]?[jt]s$/.test(f) && !f.endsWith('.d.ts'))
    .sort();
  const commands: CliCommand[] = jobCommands();
  const broken: BrokenCommand[] = [];
  for (const file of files) {
    const name = file.replace(/\.[^.]+$/, '');
    try {
      const mod = (await import(new URL(file, COMMANDS_DIR).href)) as { command?: CliCommand };
      if (!mod.command) throw new Error(`src-main/cli/commands/${file} does not export \`command\``);
      if (commands.some((c) => c.name === mod.command!.name))
        throw new Error(`src-main/cli/commands/${file}: "${mod.command.name}" is a job kind's command (src-main/jobs)`);
      commands.push(mod.command);
    } catch (err) {
      broken.push({ name, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return { commands: commands.sort((a, b) => a.name.localeCompare(b.name)), broken };
}

function overview(commands: CliCommand[], broken: BrokenCommand[]): string {
  const pad = Math.max(...[...commands, ...broken].map((c) => c.name.length)) + 2;
  return [
    'ntk-lab: NTK Phase Lab from the command line (Seleznova & Kutyniok 2022: Seleznova & Kutyniok, NTK beyond the infinite-width limit).',
    '',
    'Usage: ntk-lab <command> [flags]      ntk-lab <command> --help',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(pad)}${c.summary}`),
    ...broken.map((c) => `  ${c.name.padEnd(pad)}(unavailable: ${c.error})`),
    '',
    'Exit codes: 0 ok, 1 the computation failed, 2 bad input.',
  ].join('\n');
}

function processIo(signal?: AbortSignal): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stderrIsTTY: process.stderr.isTTY === true,
    signal,
  };
}

/** Run the CLI; resolves with the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const { commands, broken } = await loadCommands();
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    if (name === undefined) {
      io.stderr(`${overview(commands, broken)}\n`);
      return EXIT_USAGE;
    }
    io.stdout(`${overview(commands, broken)}\n`);
    return EXIT_OK;
  }
  const command = commands.find((c) => c.name === name);
  const failed = broken.find((c) => c.name === name);
  if (failed) {
    io.stderr(`ntk-lab ${name}: this command failed to load: ${failed.error}\n`);
    return EXIT_FAILED;
  }
  if (!command) {
    io.stderr(
      `ntk-lab: unknown command ${JSON.stringify(name)} (commands: ${commands.map((c) => c.name).join(', ')}; see ntk-lab --help)\n`,
    );
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.usage}\n`);
    return EXIT_OK;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError || err instanceof RangeError) {
      io.stderr(`ntk-lab ${command.name}: ${err.message}\n(see ntk-lab ${command.name} --help)\n`);
      return EXIT_USAGE;
    }
    io.stderr(`ntk-lab ${command.name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_FAILED;
  }
}

/** Run as a program (bin/ntk-lab.mjs, or `tsx src-main/cli/main.ts`): Ctrl-C aborts, the exit code is propagated. */
export async function runProcess(argv: string[]): Promise<void> {
  const ctl = new AbortController();
  const onSigint = (): void => {
    if (ctl.signal.aborted) process.exit(130); // a second Ctrl-C forces it
    ctl.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    process.exitCode = await main(argv, processIo(ctl.signal));
  } finally {
    process.off('SIGINT', onSigint);
  }
  if (ctl.signal.aborted && process.exitCode === EXIT_FAILED) process.exitCode = 130;
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  void runProcess(process.argv.slice(2));
}
