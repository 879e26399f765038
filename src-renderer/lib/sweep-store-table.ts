// "Open sweep folder" for the stores that are not trainability grids (docs/slurm.md): a learning-rate sweep's (L, ρ)
// points (Xiao et al. 2020, Fig. 2) and a training-dynamics σ_w² list's runs (Seleznova & Kutyniok 2022, Fig. 4),
// as tables whose every entry says whether it is stored, missing from this store, or (in a shard's store) held by
// another shard. Pure: the SweepStoreTable component draws it.
import type { LrStoreResult, TdStoreResult } from '../../src-shared/contract/sweep-open';
import { formatNumber } from './format';
import { MISSING_LISTED } from './sweep-folder-view';

/** stored: in this store; missing: this store should hold it and does not; elsewhere: another shard's part. */
export type EntryState = 'stored' | 'missing' | 'elsewhere';

export interface StoreTable {
  /** 'lr-sweep' or 'train-dynamics'. */
  sweep: string;
  title: string;
  columns: string[];
  rows: { key: string; state: EntryState; cells: string[] }[];
  /** One line: where, how many of how many, which are missing. */
  summary: string;
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const num = (x: number | null | undefined) => (x === null || x === undefined ? '—' : formatNumber(x, 4));
const numbers = (v: unknown): number[] => (Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : []);

function summaryLine(
  s: { dir: string; total: number; torn: boolean; shard?: { index: number; count: number; total: number } },
  have: number,
  unit: string,
  missing: string[],
): string {
  const total = s.shard ? s.shard.total : s.total;
  const part = s.shard
    ? ` (shard ${s.shard.index}/${s.shard.count} of a ${s.total}-${unit.replace(/s$/, '')} sweep)`
    : '';
  const head = `${s.dir}: ${have} of ${total} ${unit}${part}`;
  const torn = s.torn ? ' · a torn last line was ignored' : '';
  if (missing.length === 0) return `${head} · none missing${torn}`;
  const more = missing.length > MISSING_LISTED ? `; … ${missing.length - MISSING_LISTED} more` : '';
  return `${head} · ${missing.length} missing: ${missing.slice(0, MISSING_LISTED).join('; ')}${more}${torn}`;
}

/** One row per (L, ρ) point in sweep order (depths as given, ρ ascending): final accuracies of the stored ones. */
export function lrStoreTable(s: LrStoreResult): StoreTable {
  const depths = numbers(s.params.depths);
  const rhos = numbers(s.params.rhos).sort((a, b) => a - b);
  const key = (depth: number, rho: number) => `${depth}|${rho}`;
  const stored = new Map(s.points.map((p) => [key(p.depth, p.rho), p]));
  const missing = new Set(s.missing.map((m) => key(m.depth, m.rho)));
  const rows = depths.flatMap((depth) =>
    rhos.map((rho) => {
      const p = stored.get(key(depth, rho));
      const state: EntryState = p ? 'stored' : missing.has(key(depth, rho)) ? 'missing' : 'elsewhere';
      const result = !p
        ? [state === 'missing' ? 'missing' : 'another shard', '', '']
        : p.failed
          ? [`not trainable: ${p.failed}`, '', '']
          : [p.diverged ? 'diverged' : 'trained', pct(p.trainAccuracy), pct(p.testAccuracy)];
      return { key: key(depth, rho), state, cells: [String(depth), formatNumber(rho), p ? num(p.lr) : '', ...result] };
    }),
  );
  return {
    sweep: 'lr-sweep',
    title: 'Learning-rate sweep (Xiao et al. 2020, Fig. 2): η = ρ·η_theory',
    columns: ['L', 'ρ', 'η', 'result', 'train acc', 'test acc'],
    rows,
    summary: summaryLine(
      s,
      s.points.length,
      'points',
      s.missing.map((m) => `L = ${m.depth}, ρ = ${formatNumber(m.rho)}`),
    ),
  };
}

/** One row per σ_w² of the list: the last record of each stored run (loss, accuracy, Θc/Θd, Θn/Θd). */
export function tdStoreTable(s: TdStoreResult): StoreTable {
  const list = numbers(s.params.sigmaW2List);
  const stored = new Map(s.runs.map((r) => [r.sigmaW2, r]));
  const missing = new Set(s.missing.map((m) => m.sigmaW2));
  const rows = list.map((sigmaW2) => {
    const run = stored.get(sigmaW2);
    const state: EntryState = run ? 'stored' : missing.has(sigmaW2) ? 'missing' : 'elsewhere';
    if (!run)
      return {
        key: String(sigmaW2),
        state,
        cells: [formatNumber(sigmaW2), state === 'missing' ? 'missing' : 'another shard', '', '', '', '', ''],
      };
    const last = run.records[run.records.length - 1];
    const ratio = (a: number | null, b: number | null) => (a === null || b === null ? null : a / b);
    return {
      key: String(sigmaW2),
      state,
      cells: [
        formatNumber(sigmaW2),
        `${run.diverged ? 'diverged at' : 'step'} ${last.step}`,
        num(last.trainLoss),
        num(last.testLoss),
        last.testAccuracy === null ? '—' : pct(last.testAccuracy),
        num(ratio(last.thetaC, last.thetaD)),
        num(ratio(last.thetaN, last.thetaD)),
      ],
    };
  });
  return {
    sweep: 'train-dynamics',
    title: 'Training dynamics (Seleznova & Kutyniok 2022, Fig. 4): the last recorded step of each σ_w²',
    columns: ['σ_w²', 'run', 'train loss', 'test loss', 'test acc', 'Θc/Θd', 'Θn/Θd'],
    rows,
    summary: summaryLine(
      s,
      s.runs.length,
      'runs',
      s.missing.map((m) => `σ_w² = ${formatNumber(m.sigmaW2)}`),
    ),
  };
}
