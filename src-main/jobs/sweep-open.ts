// sweep-open: read a stored trainability sweep — a merged store or one shard's (docs/slurm.md) — and return its
// params, its cells and the cells it lacks, for the lab's Trainability tab ("Open sweep folder"). In web mode the
// renderer cannot read the disk, so the host reads it (the web host is loopback-only and token-protected). Nothing is
// written. `dir`: an absolute path, or a name under <dataDir>/sweeps (the lab's own sweeps); '..' is refused.
// CLI JSON contract (--json; add fields, never rename): one line
//   {"kind":"store", dir, identity, params, total, cells, shard?, missing, torn}
import { isAbsolute, join, resolve } from 'node:path';
import { sweepOpenKind } from '../../src-shared/contract/kinds/sweep-open';
import { sweepOpenParamsSchema, type SweepOpenParams } from '../../src-shared/contract/sweep-open';
import { describeZodError } from '../../src-shared/params';
import { readSweepStore } from '../tf/sweep/read-store';
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
      return { kind: 'sweep-open', store: readSweepStore(dir) };
    } catch (err) {
      // a missing or damaged store: its name and the problem, as the user's input
      if (err instanceof SweepStoreError) throw new LabServiceError('bad-request', err.message, { cause: err });
      throw err;
    }
  },
  cli: {
    summary: 'read a stored trainability sweep (merged or one shard): its cells and the cells it lacks',
    usage: `Usage: ntk-lab sweep-open --dir <dir> [--json]

Reads the store <dir> of a trainability sweep (ntk-lab trainability --out, one shard's store, or the output of
ntk-lab merge) without changing it, and prints how many cells it holds and which are missing. A shard's store
(--shard i/n) is compared with its own part of the grid. A damaged store is named with the file and line.
The lab's Trainability tab opens the same folders ("Open sweep folder").

  --dir <dir>   the store directory (absolute, or relative to the current directory)
  --json        one line {"kind":"store", dir, identity, params, total, cells, shard?, missing, torn}`,
    parse(args) {
      const v = parseFlags(args, { dir: { type: 'string' }, json: { type: 'boolean' } });
      return { params: { dir: resolve(requireString(v, 'dir')) }, json: v.json === true };
    },
    printer: ({ io, json }) => ({
      progress() {},
      done(o) {
        const s = o.store!;
        if (json) {
          io.stdout(jsonLine({ kind: 'store', ...s }));
          return EXIT_OK;
        }
        const part = s.shard ? `shard ${s.shard.index}/${s.shard.count}: ${s.shard.total} of the ${s.total} cells` : '';
        const expected = s.shard ? s.shard.total : s.total;
        io.stdout(
          `Trainability sweep in ${s.dir}${part ? ` (${part})` : ''}: ${s.cells.length} of ${expected} cells stored, ` +
            `${s.missing.length} missing${s.torn ? ' (a torn last line was ignored)' : ''}\n`,
        );
        if (s.missing.length)
          io.stdout(`missing: ${s.missing.map((c) => `σ_w² = ${fmt(c.sigmaW2)}, L = ${c.depth}`).join('; ')}\n`);
        return EXIT_OK;
      },
    }),
  },
});
