// `ntk-lab merge --out DIR SHARD_DIR…`: merge the stores of a sweep's shards (`--shard i/n`) into one store
// (src-main/tf/sweep/merge.ts). JSON contract (--json; add fields, never rename): one line
//   {"kind":"summary", dir, identity, total, done, missing, duplicates, added, missingCells, duplicateCells, damaged,
//    absent, shards, sweep}
// missing / duplicates are counts; missingCells [{sigmaW2, depth}], duplicateCells [{sigmaW2, depth, dirs,
// identical}], damaged [{path, problem}], absent [dir], shards [{dir, shard, cells}]; sweep: 'trainability',
// 'lr-sweep' (then missingCells and duplicateCells name points {depth, rho} and `cells` counts points) or
// 'train-dynamics' (a σ_w² list: they name runs {sigmaW2} and `cells` counts runs).
// Exit codes: 0 every cell of the sweep is in the merged store, 1 cells are missing (the store is still written and
// resumable), 2 refused (different sweeps, an output holding another sweep, bad flags): nothing written.
import { parseArgs } from 'node:util';
import { fmt, jsonLine } from '../format';
import {
  mergeShards,
  MergeRefused,
  type CellRef,
  type MergeReport,
  type PointRef,
  type RunRef,
  type WidthCellRef,
} from '../../tf/sweep/merge';
import { EXIT_FAILED, EXIT_OK, UsageError, type CliCommand } from '../command';

function parse(args: string[]): { out: string; shards: string[]; json: boolean } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      options: { out: { type: 'string' }, json: { type: 'boolean' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\s*\n\s*/g, ' '));
  }
  const out = parsed.values.out;
  if (typeof out !== 'string' || out === '') throw new UsageError('--out is required');
  if (parsed.positionals.length === 0) throw new UsageError('give the shard directories after the flags');
  return { out, shards: parsed.positionals, json: parsed.values.json === true };
}

const cellText = (c: CellRef | PointRef | RunRef | WidthCellRef): string =>
  'rho' in c
    ? `L = ${c.depth}, ρ = ${fmt(c.rho)}`
    : 'depth' in c
      ? `σ_w² = ${fmt(c.sigmaW2)}, L = ${c.depth}${'width' in c ? `, M = ${c.width}` : ''}`
      : `σ_w² = ${fmt(c.sigmaW2)}`;

const UNIT = { trainability: 'cells', 'lr-sweep': 'points', 'train-dynamics': 'runs', 'trust-map': 'cells' } as const;

function report(r: MergeReport): string {
  const unit = UNIT[r.kind];
  const lines = [
    `Merged ${r.shards.length} shard store${r.shards.length === 1 ? '' : 's'} into ${r.dir}: ${r.done} of ${r.total} ${unit} ` +
      `(${r.added} added now, ${r.missing.length} missing, ${r.duplicates.length} duplicate)`,
  ];
  for (const s of r.shards)
    lines.push(`  ${s.dir}${s.shard ? ` (shard ${s.shard.index}/${s.shard.count})` : ''}: ${s.cells} ${unit} taken`);
  for (const d of r.absent) lines.push(`  ${d}: no store (the task did not start); its ${unit} are missing`);
  if (r.missing.length > 0) lines.push(`missing ${unit}: ${r.missing.map(cellText).join('; ')}`);
  for (const d of r.duplicates)
    lines.push(
      `duplicate: ${cellText(d)} in ${d.dirs.join(', ')}${d.identical ? '' : ' (the copies differ; the first is kept)'}`,
    );
  return `${lines.join('\n')}\n`;
}

export const command: CliCommand = {
  name: 'merge',
  summary: 'merge the stores of a sweep’s shards (--shard i/n) into one store; report missing and duplicate cells',
  usage: `Usage: ntk-lab merge --out <dir> <shard dir>… [--json]

Merges the stores written by \`ntk-lab trainability --shard i/n --out <shard dir>\`, \`ntk-lab lr-sweep --shard
i/n --out <shard dir>\` or \`ntk-lab train-dynamics --sigma-w2 a,b,c --shard i/n --out <shard dir>\` (or a preset
run of one of them; e.g. the tasks of a Slurm job array, see ntk-lab slurm and docs/slurm.md) into the store <dir>
(for lr-sweep read "points" for "cells", for train-dynamics "runs"). Stores of different kinds are never merged
together. Every shard must hold the same sweep (the same
params): otherwise the merge is refused and nothing is written. Each cell is appended once (fsynced); a cell found in
several shards is reported as a duplicate (the first copy, in the order given, is kept). A shard directory with no
store (its task never started) or a damaged file (a torn last line, a corrupt line, a bad sweep.json) is named on
stderr and the other shards still merge; the shards themselves are never modified. Merging again after more shards
finished adds only the new cells.

<dir> is a normal store: running the same sweep with --out <dir> trains only the missing cells, and the lab's
Trainability tab opens it ("Open sweep folder").

  --out <dir>   the merged store (created if missing; may already hold part of the same sweep)
  --json        one line {"kind":"summary", dir, identity, total, done, missing, duplicates, added, missingCells,
                duplicateCells, damaged, absent, shards, sweep} (missing, duplicates: counts; sweep:
                trainability, lr-sweep or train-dynamics)

Exit code 0 when every cell of the sweep is merged, 1 when cells are missing (rerun the missing shards, or the sweep
on <dir>), 2 when refused.`,

  async run(args, io) {
    const { out, shards, json } = parse(args);
    let r: MergeReport;
    try {
      r = mergeShards(out, shards);
    } catch (err) {
      if (err instanceof MergeRefused) throw new UsageError(`refused, nothing written: ${err.message}`);
      throw err;
    }
    for (const d of r.damaged) io.stderr(`ntk-lab merge: ${d.path}: ${d.problem}\n`);
    if (json)
      io.stdout(
        jsonLine({
          kind: 'summary',
          dir: r.dir,
          identity: r.identity,
          total: r.total,
          done: r.done,
          missing: r.missing.length,
          duplicates: r.duplicates.length,
          added: r.added,
          sweep: r.kind,
          missingCells: r.missing,
          duplicateCells: r.duplicates,
          damaged: r.damaged,
          absent: r.absent,
          shards: r.shards,
        }),
      );
    else io.stdout(report(r));
    return r.missing.length === 0 ? EXIT_OK : EXIT_FAILED;
  },
};
