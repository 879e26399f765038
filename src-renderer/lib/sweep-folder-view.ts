// "Open sweep folder" on the Trainability tab: a stored sweep (a merged store or one shard's, docs/slurm.md) read by
// the lab's 'sweep-open' job, turned into the tab's SweepView (its cells become the measured layer) and a line that
// says what is missing.
import type { SweepOpenResult } from '../../src-shared/contract/sweep-open';
import type { SweepView } from './trainability-jobs';
import { formatNumber } from './format';

/** The tab's view of an opened store: finished when nothing it should hold is missing, else 'cancelled' (partial). */
export function sweepViewOfStore(s: SweepOpenResult): SweepView {
  const total = s.shard ? s.shard.total : s.total;
  return {
    status: s.missing.length === 0 ? 'complete' : 'cancelled',
    params: s.params,
    cells: s.cells,
    done: s.cells.length,
    total,
    backend: '',
    etaSeconds: null,
    summary: null,
    error: '',
    version: 1,
  };
}

/** At most this many missing cells are listed by name. */
export const MISSING_LISTED = 12;

/** "dir: 40 of 48 cells (shard 1/3 of a 144-cell sweep) · missing: σ_w² = 0.5, L = 32; …" */
export function storeSummary(s: SweepOpenResult): string {
  const total = s.shard ? s.shard.total : s.total;
  const part = s.shard ? ` (shard ${s.shard.index}/${s.shard.count} of a ${s.total}-cell sweep)` : '';
  const head = `${s.dir}: ${s.cells.length} of ${total} cells${part}`;
  const torn = s.torn ? ' · a torn last line was ignored' : '';
  if (s.missing.length === 0) return `${head} · none missing${torn}`;
  const listed = s.missing
    .slice(0, MISSING_LISTED)
    .map((c) => `σ_w² = ${formatNumber(c.sigmaW2)}, L = ${c.depth}`)
    .join('; ');
  const more = s.missing.length > MISSING_LISTED ? `; … ${s.missing.length - MISSING_LISTED} more` : '';
  return `${head} · ${s.missing.length} missing: ${listed}${more}${torn}`;
}
