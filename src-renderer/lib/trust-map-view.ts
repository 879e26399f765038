// The NTK trust map tab's pure logic (Seleznova 2024 thesis §3.1 = Seleznova & Kutyniok 2022a, §4): parse the
// 'trust-map' job's outputs, lay the measured cells out as tiles at one recorded step and width, the predicted
// dispersion E[Θ²]/E[Θ]² of the same networks beside them (Seleznova & Kutyniok 2022, exact finite-width moments of
// the ReLU net with σ_b = 0 and n₀ = 784 inputs), log colour domains and the exported tables.
import { interpolateViridis } from 'd3';
import {
  changeAt,
  parseTrustMapParams,
  trustMapCellSchema,
  type TrustMapCell,
  type TrustMapCellRef,
  type TrustMapGrid,
  type TrustMapParams,
  type TrustMapSummary,
} from '../../src-shared/contract/trust-map';
import type { TrustMapStoreResult } from '../../src-shared/contract/sweep-open';
import { formatNumber } from './format';
import { predictPoint } from '../../src-shared/theory/predict';

/** MNIST's input dimension n₀: the trained networks' first fan-in, used for the prediction too. */
export const MNIST_INPUT_DIM = 784;

export interface TrustMapJobOutput {
  progress?: { cell: TrustMapCell; done: number; total: number; stored: boolean };
  summary?: Pick<TrustMapSummary, 'total' | 'done' | 'trained' | 'resumed' | 'status' | 'dir' | 'seconds'>;
  backend: string;
}

/** A trust-map output from the wire, or null when it is not one (cells validated with the contract's schema). */
export function parseTrustMapOutput(o: unknown): TrustMapJobOutput | null {
  if (!o || typeof o !== 'object' || (o as { kind?: unknown }).kind !== 'trust-map') return null;
  const r = o as Record<string, unknown>;
  const out: TrustMapJobOutput = { backend: typeof r.backend === 'string' ? r.backend : '' };
  const p = r.progress as Record<string, unknown> | undefined;
  if (p && typeof p === 'object') {
    const cell = trustMapCellSchema.safeParse(p.cell);
    if (!cell.success || typeof p.done !== 'number' || typeof p.total !== 'number') return null;
    out.progress = { cell: cell.data, done: p.done, total: p.total, stored: p.stored === true };
  }
  const s = r.summary as TrustMapJobOutput['summary'] | undefined;
  if (s && typeof s === 'object') {
    if (typeof s.total !== 'number' || typeof s.done !== 'number') return null;
    out.summary = s;
  }
  return out;
}

/** "1, 2,3" → [1, 2, 3]; null with the problem for anything else. */
export function parseList(text: string, integer: boolean): number[] | string {
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (parts.length === 0) return 'give at least one value';
  const out: number[] = [];
  for (const s of parts) {
    const v = Number(s);
    if (!Number.isFinite(v)) return `${JSON.stringify(s)} is not a number`;
    if (integer && !Number.isInteger(v)) return `${s} is not a whole number`;
    out.push(v);
  }
  return out;
}

/** 'end': the end of training; a number: after that many steps. */
export type StepChoice = number | 'end';

export interface Tile {
  sigmaW2: number;
  depth: number;
  /** null: not measured (yet), or diverged. */
  value: number | null;
  /** The cell ended training before the chosen step: its end-of-training value is shown. */
  ended: boolean;
  diverged: boolean;
  /** The cell is in the map (trained or read from its store); false: missing (or not in a shard's part). */
  stored: boolean;
}

/** The measured relative change at `step` for width `width`, one tile per (σ_w², L) of the grid. */
export function measuredTiles(
  grid: TrustMapGrid,
  width: number,
  cells: readonly TrustMapCell[],
  step: StepChoice,
): Tile[] {
  const byKey = new Map(cells.filter((c) => c.width === width).map((c) => [`${c.sigmaW2}|${c.depth}`, c]));
  const out: Tile[] = [];
  for (const depth of grid.depth)
    for (const sigmaW2 of grid.sigmaW2) {
      const c = byKey.get(`${sigmaW2}|${depth}`);
      if (!c) {
        out.push({ sigmaW2, depth, value: null, ended: false, diverged: false, stored: false });
        continue;
      }
      const at = step === 'end' ? { value: c.final.relativeChange, ended: false } : changeAt(c, step);
      out.push({ sigmaW2, depth, value: at.value, ended: at.ended, diverged: c.stop === 'diverged', stored: true });
    }
  return out;
}

/** The minimum loss per cell, as tiles. */
export function minLossTiles(grid: TrustMapGrid, width: number, cells: readonly TrustMapCell[]): Tile[] {
  const byKey = new Map(cells.filter((c) => c.width === width).map((c) => [`${c.sigmaW2}|${c.depth}`, c]));
  return grid.depth.flatMap((depth) =>
    grid.sigmaW2.map((sigmaW2) => {
      const c = byKey.get(`${sigmaW2}|${depth}`);
      const diverged = c?.stop === 'diverged';
      return { sigmaW2, depth, value: c?.minLoss ?? null, ended: false, diverged, stored: c !== undefined };
    }),
  );
}

/** What the tab knows of a map's training: the store's params, or the form's with the job's defaults. */
export type MapTraining = Omit<TrustMapParams, 'grid'>;

/** The training of a map the form starts: the job's defaults with the form's steps and lr (parseTrustMapParams). */
export function formTraining(steps: readonly number[], lr: number): MapTraining {
  const { grid: _grid, ...training } = parseTrustMapParams({ steps: [...steps], lr });
  return training;
}

/**
 * Why the prediction is not drawn, or '' when it is: Seleznova & Kutyniok's exact finite-width moments (and their
 * λ = L/M limit, the Explore plane's colours) are for ReLU with σ_b = 0; the lab has no finite-width dispersion theory
 * for another φ or σ_b² > 0, so a map trained that way (`ntk-lab trust-map --activation`) gets no prediction.
 */
export function predictionGap(t: Pick<MapTraining, 'activation' | 'sigmaB2'>): string {
  if (t.activation === 'relu' && t.sigmaB2 === 0) return '';
  return (
    `no prediction for φ = ${t.activation}, σ_b² = ${t.sigmaB2}: the finite-width dispersion theory ` +
    '(Seleznova & Kutyniok 2022) is for ReLU with σ_b = 0'
  );
}

/**
 * The predicted dispersion E[Θ²]/E[Θ]² at initialization of each grid network (exact finite-width moments, ReLU,
 * σ_b = 0); every tile blank for a map of another φ or σ_b² (predictionGap).
 */
export function predictedTiles(
  grid: TrustMapGrid,
  width: number,
  training: Pick<MapTraining, 'activation' | 'sigmaB2'> = { activation: 'relu', sigmaB2: 0 },
): Tile[] {
  const theory = predictionGap(training) === '';
  return grid.depth.flatMap((depth) =>
    grid.sigmaW2.map((sigmaW2) => {
      let value: number | null = null;
      if (theory)
        try {
          const d = predictPoint({ sigmaW2, depth, width, inputDim: MNIST_INPUT_DIM }).dispersion.exact;
          value = Number.isFinite(d) ? d : null;
        } catch {
          value = null; // outside the theory's domain: left blank
        }
      return { sigmaW2, depth, value, ended: false, diverged: false, stored: value !== null };
    }),
  );
}

/** A stored map opened by folder (sweep-open's trustMap): what the tab shows and resumes. */
export interface OpenedMap {
  dir: string;
  params: TrustMapParams;
  cells: TrustMapCell[];
  missing: TrustMapCellRef[];
  /** The cells this store should hold: the whole grid, or its shard's part. */
  expected: number;
  shard?: { index: number; count: number };
  torn: boolean;
}

/** The opened store as the tab's map; a string naming the problem when its params are not a trust map's. */
export function openedMap(s: TrustMapStoreResult): OpenedMap | string {
  let params: TrustMapParams;
  try {
    params = parseTrustMapParams(s.params);
  } catch (err) {
    return `${s.dir}: its sweep.json params are not a trust map's (${err instanceof Error ? err.message : String(err)})`;
  }
  return {
    dir: s.dir,
    params,
    cells: s.cells,
    missing: s.missing,
    expected: s.shard ? s.shard.total : s.total,
    ...(s.shard ? { shard: { index: s.shard.index, count: s.shard.count } } : {}),
    torn: s.torn,
  };
}

/** At most this many missing cells are named. */
export const MISSING_NAMED = 8;

/** "dir: 6 of 8 cells stored (shard 1/2 of a 16-cell map) · 2 missing: σ_w² = 1, L = 2, M = 8; …" */
export function openedSummary(m: OpenedMap): string {
  const total = trustMapCount(m.params.grid);
  const part = m.shard ? ` (shard ${m.shard.index}/${m.shard.count} of a ${total}-cell map)` : '';
  const head = `${m.dir}: ${m.cells.length} of ${m.expected} cells stored${part}`;
  const torn = m.torn ? ' · a torn last line was ignored' : '';
  if (m.missing.length === 0) return `${head} · none missing${torn}`;
  const named = m.missing
    .slice(0, MISSING_NAMED)
    .map((c) => `σ_w² = ${formatNumber(c.sigmaW2)}, L = ${c.depth}, M = ${c.width}`)
    .join('; ');
  const more = m.missing.length > MISSING_NAMED ? `; … ${m.missing.length - MISSING_NAMED} more` : '';
  return `${head} · ${m.missing.length} missing: ${named}${more}${torn}`;
}

/** An opened map's own training (the form is not changed): "records after 2, 4 steps (at most 4) · lr 0.001 · …". */
export function trainingSummary(t: MapTraining): string {
  return (
    `records after ${t.steps.map(formatStep).join(', ')} steps (at most ${t.maxSteps}) · lr ${formatNumber(t.lr)} · ` +
    `${t.trainSize} digits · ${t.activation}, σ_b² = ${formatNumber(t.sigmaB2)} · seed ${t.seed}`
  );
}

/** Cells of a grid. */
export function trustMapCount(grid: TrustMapGrid): number {
  return grid.sigmaW2.length * grid.depth.length * grid.width.length;
}

/** [min, max] of the positive values (log colour scale); null when there are none. */
export function tileDomain(tiles: readonly Tile[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of tiles)
    if (t.value !== null && t.value > 0) {
      lo = Math.min(lo, t.value);
      hi = Math.max(hi, t.value);
    }
  if (!(lo <= hi)) return null;
  return hi / lo < 1.01 ? [lo / 1.005, hi * 1.005] : [lo, hi];
}

/** Viridis on log₁₀ over `domain`; grey for a value that cannot be coloured. */
export function tileColour(value: number | null, domain: [number, number] | null): string {
  if (value === null || !(value > 0) || !domain) return '#969696';
  const t = (Math.log(value) - Math.log(domain[0])) / (Math.log(domain[1]) - Math.log(domain[0]) || 1);
  return interpolateViridis(Math.min(1, Math.max(0, t)));
}

/** The exported table of a tile map. */
export function tilesCsv(tiles: readonly Tile[], width: number, valueName: string) {
  return {
    header: ['sigmaW2', 'depth', 'width', 'depthToWidth', valueName, 'endedBefore', 'diverged'] as const,
    rows: tiles.map((t) => [
      t.sigmaW2,
      t.depth,
      width,
      t.depth / width,
      t.value,
      t.ended ? 'yes' : 'no',
      t.diverged ? 'yes' : 'no',
    ]),
  };
}

/** The steps a user can pick: 0 and the recorded ones, then the end of training. */
export function stepChoices(steps: readonly number[]): StepChoice[] {
  return [0, ...steps, 'end'];
}

/** A recorded step as the paper writes it: 10, 10², 10³, 10⁴ (other numbers as they are). */
export function formatStep(step: number): string {
  const e = Math.log10(step);
  if (step < 100 || !Number.isInteger(e)) return String(step);
  const sup = '⁰¹²³⁴⁵⁶⁷⁸⁹';
  return `10${[...String(e)].map((d) => sup[Number(d)]).join('')}`;
}

/** "after 10³ GD steps" / "at the end of training". */
export function stepText(step: StepChoice): string {
  return step === 'end' ? 'at the end of training' : `after ${formatStep(step)} GD steps`;
}

/** The step shown: `want` when the map recorded it, else the end of training (e.g. a link's step this map lacks). */
export function shownStep(want: StepChoice, choices: readonly StepChoice[]): StepChoice {
  return choices.includes(want) ? want : 'end';
}

/** A picker's option value back to its choice: 'end' / 'all', else the number. */
export function parseChoice<T extends string>(value: string, word: T): number | T {
  return value === word ? word : Number(value);
}
