// The Training dynamics tab's plotted series (curves per run, the heat maps' steps) and its export rows.
import { interpolateHcl } from 'd3';
import { phaseOf } from '../../src-shared/params';
import { NTK_SUBSET_SIZE, type TrainDynamicsRecord } from '../../src-shared/contract/train-dynamics';
import type { RunState, SessionStatus } from './train-dynamics-session';

// ---------------------------------------------------------------------------------------------------------
// Plotted series

export type Quantity = 'trainLoss' | 'testLoss' | 'testAccuracy' | 'trainAccuracy' | 'ratioC' | 'ratioN';

/** The value a record contributes to a curve, or null (missing, non-finite, diverged). Fig. 4 plots Θc/Θd, Θn/Θd. */
function valueOf(r: TrainDynamicsRecord, q: Quantity): number | null {
  const ok = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);
  if (r.diverged) return null;
  switch (q) {
    case 'ratioC':
      return ok(r.thetaC) && ok(r.thetaD) && r.thetaD !== 0 ? r.thetaC / r.thetaD : null;
    case 'ratioN':
      return ok(r.thetaN) && ok(r.thetaD) && r.thetaD !== 0 ? r.thetaN / r.thetaD : null;
    default: {
      const v = r[q];
      return ok(v) ? v : null;
    }
  }
}

export interface Point {
  step: number;
  value: number;
}

/** A run's curve: finite points only (and > 0 on a log axis), in step order. */
export function seriesOf(records: readonly TrainDynamicsRecord[], q: Quantity, log = false): Point[] {
  const out: Point[] = [];
  for (const r of records) {
    const v = valueOf(r, q);
    if (v !== null && (!log || v > 0)) out.push({ step: r.step, value: v });
  }
  return out.sort((a, b) => a.step - b.step);
}

/**
 * One colour per σ_w², as FigurePlot: ordered blues (darker = smaller), black at the EOC, chaotic reds (darker =
 * larger).
 */
export function runColours(sigmas: readonly number[]): string[] {
  const ordered = sigmas.filter((s) => phaseOf(s) === 'ordered').sort((a, b) => a - b);
  const chaotic = sigmas.filter((s) => phaseOf(s) === 'chaotic').sort((a, b) => a - b);
  const at = (list: number[], s: number, from: string, to: string) =>
    interpolateHcl(from, to)(list.length === 1 ? 0 : list.indexOf(s) / (list.length - 1));
  return sigmas.map((s) => {
    const phase = phaseOf(s);
    if (phase === 'edge-of-chaos') return '#111111';
    return phase === 'ordered' ? at(ordered, s, '#1f3f99', '#1a9a8a') : at(chaotic, s, '#e58a00', '#b2182b');
  });
}

// ---------------------------------------------------------------------------------------------------------
// Heat-map steps

/**
 * Up to `max` steps among `available` (recorded steps with a kernel): `wanted` each snapped to the nearest available
 * step, or by default first, ≈ 1/3, ≈ 2/3 and last of the steps reached (Fig. 4: t ∈ {0, 100, 500, 3000}).
 */
export function pickKernelSteps(available: readonly number[], wanted?: readonly number[], max = 4): number[] {
  const steps = [...new Set(available)].sort((a, b) => a - b);
  if (steps.length === 0) return [];
  const first = steps[0];
  const last = steps[steps.length - 1];
  const targets =
    wanted && wanted.length > 0 ? wanted : [first, first + (last - first) / 3, first + (2 * (last - first)) / 3, last];
  const nearest = (t: number) => steps.reduce((best, s) => (Math.abs(s - t) < Math.abs(best - t) ? s : best), steps[0]);
  const out: number[] = [];
  for (const t of targets) {
    const s = nearest(t);
    if (!out.includes(s)) out.push(s);
    if (out.length === max) break;
  }
  return out.sort((a, b) => a - b);
}

/** Recorded steps with a kernel, over all runs. */
export function kernelSteps(runs: readonly RunState[]): number[] {
  const s = new Set<number>();
  for (const r of runs)
    for (const rec of r.records)
      if (rec.kernel && rec.kernel.length === NTK_SUBSET_SIZE * NTK_SUBSET_SIZE) s.add(rec.step);
  return [...s].sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------------------
// Exports

const cell = (v: number | string | boolean | null | undefined): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
};

const RECORD_COLUMNS = [
  'sigmaW2',
  'step',
  'epoch',
  'trainLoss',
  'testLoss',
  'trainAccuracy',
  'testAccuracy',
  'thetaD',
  'thetaC',
  'thetaN',
  'thetaC_over_thetaD',
  'thetaN_over_thetaD',
  'diverged',
  'seconds',
] as const;

/** One row per (run, recorded step); missing values (a diverged record) as empty cells, never NaN. */
export function recordsCsv(runs: readonly RunState[]): string {
  const lines = [RECORD_COLUMNS.join(',')];
  for (const run of runs) {
    for (const r of run.records) {
      lines.push(
        [
          run.sigmaW2,
          r.step,
          r.epoch,
          r.trainLoss,
          r.testLoss,
          r.trainAccuracy,
          r.testAccuracy,
          r.thetaD,
          r.thetaC,
          r.thetaN,
          valueOf(r, 'ratioC'),
          valueOf(r, 'ratioN'),
          r.diverged,
          r.seconds,
        ]
          .map(cell)
          .join(','),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export interface KernelCell {
  sigmaW2: number;
  step: number;
  kernel: ArrayLike<number>;
}

/** Long format: one row per kernel entry, i and j in class-sorted order (digit = ⌊i/10⌋). */
export function kernelsCsv(cells: readonly KernelCell[]): string {
  const n = NTK_SUBSET_SIZE;
  const per = n / 10;
  const lines = ['sigmaW2,step,i,j,digitI,digitJ,theta'];
  for (const c of cells) {
    if (c.kernel.length !== n * n)
      throw new RangeError(
        `kernel at σ_w² = ${c.sigmaW2}, step ${c.step} has ${c.kernel.length} entries, expected ${n}×${n}`,
      );
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        lines.push(
          `${c.sigmaW2},${c.step},${i},${j},${Math.floor(i / per)},${Math.floor(j / per)},${cell(c.kernel[i * n + j])}`,
        );
  }
  return `${lines.join('\n')}\n`;
}

/** The kernel of `run` recorded at `step`, if any. */
export function kernelAt(run: RunState, step: number): ArrayLike<number> | null {
  const r = run.records.find((x) => x.step === step);
  return r?.kernel && r.kernel.length === NTK_SUBSET_SIZE * NTK_SUBSET_SIZE ? r.kernel : null;
}

export interface SessionJsonMeta {
  version: string;
  plot: string;
  status: SessionStatus;
  /** Extra facts of the plot (e.g. the heat maps' steps). */
  extra?: Record<string, unknown>;
  exportedAt?: string;
}

/** Parameters and outcome of every run (records without kernels: those are in the CSV). */
export function sessionJson(runs: readonly RunState[], meta: SessionJsonMeta): string {
  const doc = {
    app: 'NTK Phase Lab',
    version: meta.version,
    plot: meta.plot,
    reference:
      'Seleznova & Kutyniok 2022, §4.2, Fig. 4; Θd, Θc, Θn as eq. (23) for Θ = Σ_k Θ_kk (trace over the 10 outputs) on 100 training digits, 10 per class',
    status: meta.status,
    ...meta.extra,
    runs: runs.map((r) => ({
      sigmaW2: r.sigmaW2,
      status: r.status,
      backend: r.backend,
      error: r.error,
      divergedAt: r.divergedAt,
      params: r.params,
      records: r.records.map(({ kernel: _kernel, ...rest }) => rest),
    })),
    exportedAt: meta.exportedAt ?? new Date().toISOString(),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * Exactly a curve plot's data: one row per (run, recorded step), one column per plotted quantity (empty = no point).
 */
export function curvesCsv(runs: readonly RunState[], quantities: readonly Quantity[]): string {
  const lines = [['sigmaW2', 'step', 'epoch', ...quantities.map((q) => QUANTITY_COLUMN[q])].join(',')];
  for (const run of runs)
    for (const r of run.records)
      lines.push([run.sigmaW2, r.step, r.epoch, ...quantities.map((q) => valueOf(r, q))].map(cell).join(','));
  return `${lines.join('\n')}\n`;
}

const QUANTITY_COLUMN: Record<Quantity, string> = {
  trainLoss: 'trainLoss',
  testLoss: 'testLoss',
  trainAccuracy: 'trainAccuracy',
  testAccuracy: 'testAccuracy',
  ratioC: 'thetaC_over_thetaD',
  ratioN: 'thetaN_over_thetaD',
};
