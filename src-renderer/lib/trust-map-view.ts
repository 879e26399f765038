// The NTK trust map tab's pure logic (Seleznova 2024 thesis §3.1 = Seleznova & Kutyniok 2022a, §4): parse the
// 'trust-map' job's outputs, lay the measured cells out as tiles at one recorded step and width, the predicted
// dispersion E[Θ²]/E[Θ]² of the same networks beside them (Seleznova & Kutyniok 2022, exact finite-width moments of
// the ReLU net with σ_b = 0 and n₀ = 784 inputs), log colour domains and the exported tables.
import { interpolateOrRd, interpolateViridis } from 'd3';
import {
  changeAt,
  trustMapCellSchema,
  type TrustMapCell,
  type TrustMapGrid,
  type TrustMapSummary,
} from '../../src-shared/contract/trust-map';
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
        out.push({ sigmaW2, depth, value: null, ended: false, diverged: false });
        continue;
      }
      const at = step === 'end' ? { value: c.final.relativeChange, ended: false } : changeAt(c, step);
      out.push({ sigmaW2, depth, value: at.value, ended: at.ended, diverged: c.stop === 'diverged' });
    }
  return out;
}

/** The minimum loss per cell, as tiles. */
export function minLossTiles(grid: TrustMapGrid, width: number, cells: readonly TrustMapCell[]): Tile[] {
  const byKey = new Map(cells.filter((c) => c.width === width).map((c) => [`${c.sigmaW2}|${c.depth}`, c]));
  return grid.depth.flatMap((depth) =>
    grid.sigmaW2.map((sigmaW2) => {
      const c = byKey.get(`${sigmaW2}|${depth}`);
      return { sigmaW2, depth, value: c?.minLoss ?? null, ended: false, diverged: c?.stop === 'diverged' };
    }),
  );
}

/** The predicted dispersion E[Θ²]/E[Θ]² at initialization of each grid network (exact finite-width moments). */
export function predictedTiles(grid: TrustMapGrid, width: number): Tile[] {
  return grid.depth.flatMap((depth) =>
    grid.sigmaW2.map((sigmaW2) => {
      let value: number | null;
      try {
        const d = predictPoint({ sigmaW2, depth, width, inputDim: MNIST_INPUT_DIM }).dispersion.exact;
        value = Number.isFinite(d) ? d : null;
      } catch {
        value = null; // outside the theory's domain: left blank
      }
      return { sigmaW2, depth, value, ended: false, diverged: false };
    }),
  );
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

/** Explore-plane marks: one per measured cell at (σ_w², L/M), coloured by its relative change at the end. */
export interface PlaneMark {
  sigmaW2: number;
  depthToWidth: number;
  value: number | null;
  label: string;
}

export function planeMarks(cells: readonly TrustMapCell[]): PlaneMark[] {
  return cells.map((c) => ({
    sigmaW2: c.sigmaW2,
    depthToWidth: c.depthToWidth,
    value: c.final.relativeChange,
    label:
      `σ_w² = ${c.sigmaW2}, L = ${c.depth}, M = ${c.width}: ‖Θᵗ − Θ⁰‖/‖Θ⁰‖ = ` +
      `${c.final.relativeChange === null ? 'diverged' : c.final.relativeChange.toPrecision(3)} at step ${c.final.step}`,
  }));
}

/** The Explore plane's mark colour: log₁₀ of the relative change from 10⁻³ (light) to 1 (dark red); grey if none. */
export function changeColour(value: number | null): string {
  if (value === null || !(value > 0)) return '#969696';
  const t = (Math.log10(value) + 3) / 3;
  return interpolateOrRd(0.1 + 0.9 * Math.min(1, Math.max(0, t)));
}
