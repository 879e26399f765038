// `ntk-lab presets list | run <id> [flags]`: the paper-figure presets that train and store (a sweep command with the
// paper's flags), so that each runs — sharded, merged and resumed — like any sweep (docs/slurm.md):
//   ntk-lab presets run fig4-train-dynamics --shard 0/3 --out sweeps/fig4/shard-0
// is `ntk-lab train-dynamics --paper-size --sigma-w2 1,2,2.2 --shard 0/3 --out …`. Flags after the id are added to
// the preset's own and replace the same flag of the preset, so --out, --shard, --json, --backend and overrides work.
// The measurement presets of the Presets tab (Seleznova & Kutyniok 2022 Figs. 1–3, 5–8; src-shared/presets.ts)
// are listed too but do not run here: they are many short sampling jobs that the lab runs and stores no sweep of.
// JSON contract (`list --json`; add fields, never rename): one line per preset
//   {"kind":"preset", id, figure, title, command, args, stores}   (command/args: null for a measurement preset).
import { PRESETS } from '../../../src-shared/presets';
import { jobCommands } from '../../jobs';
import { jsonLine } from '../format';
import { EXIT_OK, UsageError, type CliCommand } from '../command';

/** A storing preset: a sweep command and the flags that set the paper's experiment. */
export interface SweepPreset {
  id: string;
  figure: string;
  title: string;
  /** The sweep command (a job kind with --out and --shard). */
  command: 'trainability' | 'lr-sweep' | 'train-dynamics';
  args: readonly string[];
}

export const SWEEP_PRESETS: readonly SweepPreset[] = [
  {
    id: 'fig3-trainability',
    figure: 'Xiao et al. 2020, Fig. 3',
    title: 'trainability map over (σ_w², L), paper size: 20 × 20 grid, M = 1024, 2,000 steps per cell (for a GPU)',
    command: 'trainability',
    args: ['--paper-size'],
  },
  {
    id: 'fig3-trainability-cpu',
    figure: 'Xiao et al. 2020, Fig. 3',
    title: 'trainability map over (σ_w², L), the CPU-reduced default grid',
    command: 'trainability',
    args: [],
  },
  {
    id: 'fig4-train-dynamics',
    figure: 'Seleznova & Kutyniok 2022, Fig. 4',
    title: 'NTK label-awareness during training, σ_w² ∈ {1.0, 2.0, 2.2}, paper size: L = 20, M = 300, 3,000 steps',
    command: 'train-dynamics',
    args: ['--paper-size', '--sigma-w2', '1,2,2.2'],
  },
  {
    id: 'fig4-train-dynamics-cpu',
    figure: 'Seleznova & Kutyniok 2022, Fig. 4',
    title: 'NTK label-awareness during training, σ_w² ∈ {1.0, 2.0, 2.2}, the CPU-reduced default sizes',
    command: 'train-dynamics',
    args: ['--sigma-w2', '1,2,2.2'],
  },
];

/** The storing preset `id`; UsageError naming the known ids (and why a measurement preset is not one). */
export function sweepPreset(id: string | undefined): SweepPreset {
  const known = SWEEP_PRESETS.map((p) => p.id).join(', ');
  if (id === undefined || id.startsWith('-'))
    throw new UsageError(`presets run: give a preset id first (one of ${known})`);
  const p = SWEEP_PRESETS.find((q) => q.id === id);
  if (p) return p;
  if (PRESETS.some((q) => q.id === id))
    throw new UsageError(
      `presets run: ${id} is a measurement preset (the lab's Presets tab), not a stored sweep; storing presets: ${known}`,
    );
  throw new UsageError(`presets run: unknown preset ${JSON.stringify(id)} (storing presets: ${known})`);
}

/** The flag a token names (`--steps`, `--steps=10` → `steps`), or undefined for a value. */
const flagName = (token: string): string | undefined => /^--([^=]+)/.exec(token)?.[1];

/**
 * `run <id> flags…` → the sweep command and its full argument list: the preset's flags, less those the user gives
 * (the user's value wins), then the user's.
 */
export function expandPreset(args: readonly string[]): { preset: SweepPreset; args: string[] } {
  const preset = sweepPreset(args[0]);
  const user = args.slice(1);
  const given = new Set(user.map(flagName).filter((f) => f !== undefined));
  const kept: string[] = [];
  for (let k = 0; k < preset.args.length; k++) {
    const flag = flagName(preset.args[k])!;
    const hasValue = k + 1 < preset.args.length && flagName(preset.args[k + 1]) === undefined;
    if (!given.has(flag)) kept.push(...preset.args.slice(k, hasValue ? k + 2 : k + 1));
    if (hasValue) k++;
  }
  return { preset, args: [...kept, ...user] };
}

function list(json: boolean): string {
  const lines: string[] = [];
  for (const p of SWEEP_PRESETS)
    lines.push(
      json
        ? jsonLine({ kind: 'preset', ...p, stores: true })
        : `  ${p.id.padEnd(26)}${p.figure}: ${p.title}\n${' '.repeat(28)}= ntk-lab ${[p.command, ...p.args].join(' ')}\n`,
    );
  if (!json) lines.push('Measurement presets (run in the lab’s Presets tab; no stored sweep):\n');
  for (const p of PRESETS)
    lines.push(
      json
        ? jsonLine({
            kind: 'preset',
            id: p.id,
            figure: p.figure,
            title: p.title,
            command: null,
            args: null,
            stores: false,
          })
        : `  ${p.id.padEnd(26)}${p.figure}: ${p.title}\n`,
    );
  return (json ? '' : 'Storing presets (ntk-lab presets run <id> --out <dir> [--shard i/n]):\n') + lines.join('');
}

export const command: CliCommand = {
  name: 'presets',
  summary: 'list the paper-figure presets, or run a storing one (a sweep: --out, --shard i/n, resumable)',
  usage: `Usage: ntk-lab presets list [--json]
       ntk-lab presets run <id> --out <dir> [--shard <i/n>] [--json] [more flags of its sweep command]

The paper-figure presets that train networks are sweep commands with the paper's flags (list shows each one's
command line); \`run\` runs one like that command: --out <dir> keeps a resumable store (rerunning trains only what is
missing), --shard i/n runs one shard of it (0 ≤ i < n), ntk-lab merge combines the shards and ntk-lab slurm writes a
job array for it (-- presets run <id> --out <dir>; docs/slurm.md). Flags after the id are added to the preset's own
and replace the same flag of the preset (e.g. --steps 100, --sigma-w2 2,2.2, --backend wasm). The measurement presets of the lab's Presets tab are
listed too; they do not run here.

  list --json   one line per preset {"kind":"preset", id, figure, title, command, args, stores} (command and args
                are null for a measurement preset)`,

  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'list') {
      const extra = rest.filter((a) => a !== '--json');
      if (extra.length > 0) throw new UsageError(`presets list: unexpected ${JSON.stringify(extra[0])} (only --json)`);
      io.stdout(list(rest.includes('--json')));
      return EXIT_OK;
    }
    if (sub !== 'run') throw new UsageError(`give list or run <id> (got ${JSON.stringify(sub ?? '')})`);
    const { preset, args: full } = expandPreset(rest);
    const sweep = jobCommands().find((c) => c.name === preset.command)!;
    return sweep.run(full, io);
  },
};
