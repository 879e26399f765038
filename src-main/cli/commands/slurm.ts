// `ntk-lab slurm --shards N [sbatch options] -- <sweep command with --out DIR>`: the sbatch script of a Slurm job array
// whose task i runs shard i/N of the sweep into DIR/shard-i (docs/slurm.md); `--submit` submits it and a merge job
// that runs after every task succeeded (`--dependency=afterok:<array id>`). Slurm does the distribution; each shard
// resumes its own store, so submitting the same script again trains only what is missing.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkKind } from '../../jobs';
import { lrSweepJob } from '../../jobs/lr-sweep';
import { trainabilityJob } from '../../jobs/trainability';
import { trainDynamicsJob } from '../../jobs/train-dynamics';
import { trustMapJob } from '../../jobs/trust-map';
import { expandPreset } from './presets';
import { LabServiceError } from '../../service/lab-error';
import { parseTrainabilityParams, type TrainabilityParams } from '../../../src-shared/contract/trainability';
import { assignShards, SHARD_COUNT_MAX } from '../../../src-shared/shard';
import { cellCost, sweepGrid } from '../../tf/sweep/grid';
import { optionalString, parseFlags, parseInteger, requireString } from '../args';
import { EXIT_FAILED, EXIT_OK, UsageError, type CliCommand } from '../command';

/** The repository root (bin/ntk-lab.mjs lives there): the jobs cd here, so the script runs from any directory. */
const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');

/** Sweep commands that take --shard and store their shards (train-dynamics: a σ_w² list); also `presets run <id>`. */
const SHARDABLE = {
  trainability: trainabilityJob,
  'lr-sweep': lrSweepJob,
  'train-dynamics': trainDynamicsJob,
  'trust-map': trustMapJob,
} as const;
const COMMANDS = [...Object.keys(SHARDABLE), 'presets run <id>'].join(', ');

const FLAGS = {
  shards: { type: 'string' },
  partition: { type: 'string' },
  time: { type: 'string' },
  'cpus-per-task': { type: 'string' },
  'gpus-per-task': { type: 'string' },
  mem: { type: 'string' },
  'job-name': { type: 'string' },
  submit: { type: 'boolean' },
} as const;

/** A word for bash: as is when it is plain, else single-quoted. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A value for an #SBATCH line: no spaces or shell syntax (Slurm reads these lines itself). */
function sbatchValue(flag: string, text: string): string {
  if (!/^[A-Za-z0-9_:.,+=@%/-]+$/.test(text))
    throw new UsageError(`--${flag}: ${JSON.stringify(text)} is not a plain Slurm value (no spaces or quotes)`);
  return text;
}

export interface SlurmPlan {
  shards: number;
  command: string;
  /** The sweep's flags without --out. */
  flags: string[];
  /** The absolute store root: shard i writes <outDir>/shard-i, the merge writes <outDir>. */
  outDir: string;
  sbatch: string[];
  jobName: string;
}

/**
 * The cost limit applies per process: checked for the heaviest shard (the others cost no more). lr-sweep has no
 * limit per process (its params are checked as given); a train-dynamics list's runs all cost the same, so shard 0
 * (which gets the most of them) is the heaviest.
 */
function checkHeaviestShard(command: keyof typeof SHARDABLE, params: unknown, shards: number): void {
  if (command === 'lr-sweep') return void checkKind('lr-sweep', params as never);
  if (command === 'train-dynamics')
    return void checkKind('train-dynamics', params as never, { shard: { index: 0, count: shards } });
  // trust-map cells differ in cost (L, M, steps): every shard is checked (cheap: a sum over its cells)
  if (command === 'trust-map') {
    for (let index = 0; index < shards; index++)
      checkKind('trust-map', params as never, { shard: { index, count: shards } });
    return;
  }
  let p: TrainabilityParams;
  try {
    p = parseTrainabilityParams(params);
  } catch (err) {
    throw new LabServiceError('refused', (err as Error).message);
  }
  const cells = sweepGrid(p).cells;
  const shardOf = assignShards(
    cells.map((c) => cellCost(p, c.depth)),
    shards,
  );
  const load = new Array<number>(shards).fill(0);
  shardOf.forEach((s, k) => (load[s] += cellCost(p, cells[k].depth)));
  const heaviest = load.indexOf(Math.max(...load));
  checkKind('trainability', params as never, { shard: { index: heaviest, count: shards } });
}

/** Split `argv` at `--` and check both halves; UsageError naming the flag for bad input. */
export function parseSlurm(argv: string[], cwd = process.cwd()): SlurmPlan & { submit: boolean } {
  const sep = argv.indexOf('--');
  if (sep < 0) throw new UsageError('give the sweep command after --, e.g. -- trainability --out sweeps/fig3');
  const v = parseFlags(argv.slice(0, sep), FLAGS);
  const shards = parseInteger('shards', requireString(v, 'shards'));
  if (!(shards >= 1 && shards <= SHARD_COUNT_MAX))
    throw new UsageError(`--shards: must lie in 1…${SHARD_COUNT_MAX}, got ${shards}`);
  const sbatch: string[] = [];
  for (const flag of ['partition', 'time', 'mem'] as const) {
    const t = optionalString(v, flag);
    if (t !== undefined) sbatch.push(`--${flag}=${sbatchValue(flag, t)}`);
  }
  for (const [flag, min] of [
    ['cpus-per-task', 1],
    ['gpus-per-task', 0],
  ] as const) {
    const t = optionalString(v, flag);
    if (t === undefined) continue;
    const n = parseInteger(flag, t);
    if (n < min) throw new UsageError(`--${flag}: must be ≥ ${min}, got ${n}`);
    sbatch.push(`--${flag}=${n}`);
  }
  const [command, ...rest] = argv.slice(sep + 1);
  if (command === undefined) throw new UsageError('give the sweep command after --');
  if (command === 'presets' && rest[0] !== 'run')
    throw new UsageError('after -- presets, give run <id> and its flags (ntk-lab presets list shows the ids)');
  // a preset is its sweep command with the paper's flags: checked as that command
  const expanded = command === 'presets' ? expandPreset(rest.slice(1)) : undefined;
  const sweepCommand = expanded ? expanded.preset.command : command;
  if (!(sweepCommand in SHARDABLE))
    throw new UsageError(`the sweep command after -- must be one of ${COMMANDS} (got ${JSON.stringify(command)})`);
  const job = SHARDABLE[sweepCommand as keyof typeof SHARDABLE];
  // the sweep's own flags are checked now (a typo fails here, not in N queued tasks)
  const request = job.cli.parse(expanded ? expanded.args : rest);
  if (request.shard) throw new UsageError('--shard: leave it out of the sweep command; the array sets it per task');
  if (request.storeDir === undefined)
    throw new UsageError(`--out: give the sweep command --out <dir> (the shards write <dir>/shard-i, the merge <dir>)`);
  try {
    checkHeaviestShard(sweepCommand as keyof typeof SHARDABLE, request.params, shards);
  } catch (err) {
    if (err instanceof LabServiceError) throw new UsageError(`${sweepCommand}: ${err.message}`);
    throw err;
  }
  const flags: string[] = [];
  for (let k = 0; k < rest.length; k++) {
    if (rest[k] === '--out') k++;
    else if (!rest[k].startsWith('--out=')) flags.push(rest[k]);
  }
  const jobName = sbatchValue(
    'job-name',
    optionalString(v, 'job-name') ?? `ntk-lab-${expanded ? expanded.preset.id : command}`,
  );
  return {
    shards,
    command,
    flags,
    outDir: resolve(cwd, request.storeDir!),
    sbatch,
    jobName,
    submit: v.submit === true,
  };
}

const ntkLab = (args: string[]): string => ['node', 'bin/ntk-lab.mjs', ...args].map(shellQuote).join(' ');

const shardDirs = (p: SlurmPlan): string[] => Array.from({ length: p.shards }, (_, i) => `${p.outDir}/shard-${i}`);

/** The merge's command line: every shard directory, in order. */
export function mergeCommand(p: SlurmPlan): string {
  return ntkLab(['merge', '--out', p.outDir, ...shardDirs(p)]);
}

/** The job array's script. */
export function arrayScript(p: SlurmPlan): string {
  const out = shellQuote(p.outDir);
  return [
    '#!/bin/bash',
    `# ntk-lab ${p.command} on a Slurm job array, written by \`ntk-lab slurm\` (docs/slurm.md). Task i runs shard i/${p.shards}`,
    `# of the sweep into ${p.outDir}/shard-i. Submitting this script again resumes every shard from its store: only`,
    '# the missing cells are trained. When every task is done, merge the shards into one store:',
    `#   cd ${shellQuote(PROJECT_ROOT)} && ${mergeCommand(p)}`,
    `#SBATCH --job-name=${p.jobName}`,
    `#SBATCH --array=0-${p.shards - 1}`,
    ...p.sbatch.map((o) => `#SBATCH ${o}`),
    'set -euo pipefail',
    `cd ${shellQuote(PROJECT_ROOT)}`,
    `${ntkLab([p.command, ...p.flags])} --shard "\${SLURM_ARRAY_TASK_ID}/${p.shards}" --out ${out}/shard-"\${SLURM_ARRAY_TASK_ID}"`,
    '',
  ].join('\n');
}

/** The merge job's script (submitted with --dependency=afterok on the array). */
export function mergeScript(p: SlurmPlan): string {
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=${p.jobName}-merge`,
    ...p.sbatch.filter((o) => o.startsWith('--partition=')).map((o) => `#SBATCH ${o}`),
    'set -euo pipefail',
    `cd ${shellQuote(PROJECT_ROOT)}`,
    mergeCommand(p),
    '',
  ].join('\n');
}

/** sbatch --parsable with the script on stdin → the job id; an Error with sbatch's words otherwise. */
function submit(script: string, args: string[]): string {
  const r = spawnSync('sbatch', ['--parsable', ...args], { input: script, encoding: 'utf8' });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? 'sbatch was not found on PATH: run this on a Slurm login node, or save the script and submit it there with sbatch'
        : `sbatch could not be run (${r.error.message})`,
    );
  }
  if (r.status !== 0) throw new Error(`sbatch failed (exit ${r.status}): ${r.stderr.trim()}`);
  const id = r.stdout.trim().split(';')[0];
  if (!/^\d+$/.test(id)) throw new Error(`sbatch answered ${JSON.stringify(r.stdout.trim())}, not a job id`);
  return id;
}

export const command: CliCommand = {
  name: 'slurm',
  summary: 'write (or --submit) a Slurm job-array script that runs a sweep in N shards, and the merge after it',
  usage: `Usage: ntk-lab slurm --shards <N> [--partition <P>] [--time <T>] [--cpus-per-task <C>]
                   [--gpus-per-task <G>] [--mem <M>] [--job-name <name>] [--submit]
                   -- <sweep command and its flags, with --out <dir>>

Prints an sbatch script for a Slurm job array of N tasks (#SBATCH --array=0-(N−1)): task i cds to this project
(${PROJECT_ROOT}) and runs the sweep with --shard i/N --out <dir>/shard-i. The shards split the cells by estimated
cost (lr-sweep: its (L, ρ) points); each cell's numbers are those of a single-process run. A task that fails or is cancelled leaves a resumable
store: submitting the same script again trains only the missing cells. Sweep commands: ${COMMANDS} (a storing
paper-figure preset, see ntk-lab presets list; train-dynamics with a σ_w² list, one run per σ_w²).

  --shards <N>            array tasks (shards), 1…${SHARD_COUNT_MAX}
  --partition, --time, --cpus-per-task, --gpus-per-task, --mem
                          passed to Slurm as #SBATCH lines (e.g. --time 04:00:00 --mem 8G)
  --job-name <name>       default ntk-lab-<command>
  --submit                submit the script with sbatch, then the merge (ntk-lab merge --out <dir> <dir>/shard-*)
                          as a job with --dependency=afterok:<array id>; the job ids go to stderr. Without sbatch on
                          PATH: an error (exit 1) and the script is printed anyway

Then: squeue --me (watch), ntk-lab merge --out <dir> <dir>/shard-0 … (if not submitted), and open <dir> in the lab
(Trainability tab, Open sweep folder) or rerun the sweep with --out <dir> (it trains nothing when complete).
See docs/slurm.md.`,

  async run(args, io) {
    const plan = parseSlurm(args);
    const script = arrayScript(plan);
    io.stdout(script);
    if (!plan.submit) return EXIT_OK;
    try {
      mkdirSync(plan.outDir, { recursive: true });
      const arrayId = submit(script, []);
      io.stderr(`submitted job array ${arrayId} (${plan.shards} tasks): watch it with squeue -j ${arrayId}\n`);
      const mergeId = submit(mergeScript(plan), [`--dependency=afterok:${arrayId}`]);
      io.stderr(`submitted merge job ${mergeId}: runs after every task of ${arrayId} succeeded\n`);
      return EXIT_OK;
    } catch (err) {
      io.stderr(`ntk-lab slurm: --submit: ${(err as Error).message}\n`);
      return EXIT_FAILED;
    }
  },
};
