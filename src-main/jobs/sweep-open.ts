// sweep-open: read a stored sweep — a merged store or one shard's (docs/slurm.md) — and return its params, its cells
// and the cells it lacks, for the lab's Trainability tab ("Open sweep folder"): a trainability sweep (`store`), a
// learning-rate sweep (`lrSweep`: points), a training-dynamics σ_w² list (`trainDynamics`: runs) or an NTK trust map
// (`trustMap`: cells, for the NTK trust map tab). In web mode the
// renderer cannot read the disk, so the host reads it (the web host is loopback-only and token-protected). Nothing is
// written. `dir`: an absolute path, or a name under <dataDir>/sweeps (the lab's own sweeps); '..' is refused.
// CLI JSON contract (--json; add fields, never rename): one line
//   {"kind":"store", dir, identity, params, total, cells, shard?, missing, torn, sweep}
// sweep: 'trainability', 'lr-sweep' (then points [LrSweepPoint] instead of cells, missing [{depth, rho}]) or
// 'train-dynamics' (runs [{sigmaW2, diverged, seconds, records}], missing [{sigmaW2}]) or 'trust-map' (cells
// [TrustMapCell], missing [{sigmaW2, depth, width}]).
import { isAbsolute, join, resolve } from 'node:path';
import { sweepOpenKind } from '../../src-shared/contract/kinds/sweep-open';
import { sweepOpenParamsSchema, type SweepOpenParams } from '../../src-shared/contract/sweep-open';
import { describeZodError } from '../../src-shared/params';
import { readAnyStore } from '../tf/sweep/read-store';
import { SweepStoreError } from '../tf/sweep/store';
import { LabServiceError } from '../service/lab-error';
import { EXIT_OK } from '../cli/command';
import { parseFlags, requireString } from '../cli/args';
import { fmt, jsonLine } from '../cli/format';
import { defineJob, type RunsOn } from './define';

/** The path's form: absolute, or relative without '..' (it is resolved under <dataDir>/sweeps by run). */
function checkSweepOpen(raw: unknown): SweepOpenParams {
  const r = sweepOpenParamsSchema.safeParse(raw);
  if (!r.success)
    throw new LabServiceError('bad-request', `invalid sweep-open parameters: ${describeZodError(r.error)}`);
  const dir = r.data.dir;
  if (!isAbsolute(dir) && dir.split(/[\\/]/).includes('..'))
    throw new LabServiceError('bad-request', `dir: a relative path may not contain '..' (got ${JSON.stringify(dir)})`);
  return r.data;
}

const runsOn = { engine: 'main' } as const satisfies RunsOn;

const SWEEP_NAME: Record<string, string> = {
  trainability: 'Trainability sweep',
  'lr-sweep': 'Learning-rate sweep',
  'train-dynamics': 'Training-dynamics σ_w² list',
  'trust-map': 'NTK trust map',
};

/** What the printer needs of a store of any kind. */
interface StoreHead {
  dir: string;
  total: number;
  torn: boolean;
  missing: unknown[];
  shard?: { index: number; count: number; total: number };
}

/** A missing cell, point or run in words. */
function refText(c: unknown): string {
  const r = c as { sigmaW2?: number; depth?: number; rho?: number; width?: number };
  if (r.rho !== undefined) return `L = ${r.depth}, ρ = ${fmt(r.rho)}`;
  if (r.width !== undefined) return `σ_w² = ${fmt(r.sigmaW2!)}, L = ${r.depth}, M = ${r.width}`;
  if (r.depth !== undefined) return `σ_w² = ${fmt(r.sigmaW2!)}, L = ${r.depth}`;
  return `σ_w² = ${fmt(r.sigmaW2!)}`;
}

export const sweepOpenJob = defineJob({
  contract: sweepOpenKind,
  title: 'sweep-open',
  check: checkSweepOpen,
  runsOn,
  pausable: false,
  // no partial results: the store is read in one go
  progress: 'snapshot',
  summarize: () => ({ kind: 'sweep-open' }),
  async run(params, env) {
    const dir = isAbsolute(params.dir) ? resolve(params.dir) : resolve(join(env.dataDir, 'sweeps', params.dir));
    try {
      return { kind: 'sweep-open', ...readAnyStore(dir) };
    } catch (err) {
      // a missing or damaged store: its name and the problem, as the user's input
      if (err instanceof SweepStoreError) throw new LabServiceError('bad-request', err.message, { cause: err });
      throw err;
    }
  },
  cli: {
    summary: 'read a stored sweep (merged or one shard): its cells (points, runs) and the ones it lacks',
    usage: `Usage: ntk-lab sweep-open --dir <dir> [--json]

Reads the store <dir> of a sweep (ntk-lab trainability, lr-sweep, train-dynamics or trust-map with --out, one
shard's store, or the output of ntk-lab merge) without changing it, and prints how many cells (lr-sweep: points;
train-dynamics: σ_w² runs) it holds and which are missing. A shard's store (--shard i/n) is compared with its own
part of the sweep. A damaged store is named with the file and line. The lab's Trainability tab opens the same folders
("Open sweep folder"; a trust map goes to the NTK trust map tab, which opens them too).

  --dir <dir>   the store directory (absolute, or relative to the current directory)
  --json        one line {"kind":"store", dir, identity, params, total, cells, shard?, missing, torn, sweep}
                (sweep: trainability, lr-sweep, train-dynamics or trust-map; lr-sweep has points instead of cells
                and missing [{depth, rho}], train-dynamics runs and missing [{sigmaW2}], trust-map missing
                [{sigmaW2, depth, width}])`,
    parse(args) {
      const v = parseFlags(args, { dir: { type: 'string' }, json: { type: 'boolean' } });
      return { params: { dir: resolve(requireString(v, 'dir')) }, json: v.json === true };
    },
    printer: ({ io, json }) => ({
      progress() {},
      done(o) {
        const line = (sweep: string, s: StoreHead, have: number, unit: string) => {
          if (json) io.stdout(jsonLine({ kind: 'store', ...s, sweep }));
          else {
            const part = s.shard
              ? ` (shard ${s.shard.index}/${s.shard.count}: ${s.shard.total} of the ${s.total})`
              : '';
            io.stdout(
              `${SWEEP_NAME[sweep]} in ${s.dir}${part}: ${have} of ${s.shard ? s.shard.total : s.total} ${unit} ` +
                `stored, ${s.missing.length} missing${s.torn ? ' (a torn last line was ignored)' : ''}\n`,
            );
            if (s.missing.length) io.stdout(`missing: ${s.missing.map(refText).join('; ')}\n`);
          }
          return EXIT_OK;
        };
        if (o.lrSweep) return line('lr-sweep', o.lrSweep, o.lrSweep.points.length, 'points');
        if (o.trainDynamics) return line('train-dynamics', o.trainDynamics, o.trainDynamics.runs.length, 'runs');
        if (o.trustMap) return line('trust-map', o.trustMap, o.trustMap.cells.length, 'cells');
        return line('trainability', o.store!, o.store!.cells.length, 'cells');
      },
    }),
  },
});
