// The measured-dispersion layer of the phase plane: sampled networks (Seleznova & Kutyniok 2022, App. C.3 estimator,
// run by the engine) on a coarse-to-fine grid of cells, drawn over the prediction. This file holds the refinement
// schedule, the reliability rule and what the runner reports; measured-layer-paint.ts draws and exports it,
// measured-layer-runner.ts feeds the cells to the lab. No value here is ever made up: a cell is either a finished
// MeasureResult, a failure with the lab's reason, or not drawn.
import type { MeasureParamsInput, MeasureResult } from '../../src-shared/contract/measure';
import { LIMITS } from '../../src-shared/params';
import { depthFromLambda, PLANE, tidy } from './plane';

// ---------------------------------------------------------------------------------------------------------
// Schedule: level 0 is an 8 × 6 grid over the plotted window, each further level halves the cells (16 × 12,
// 32 × 24, …). Cell centres of different levels never coincide (a level-k centre is a corner of level k+1), so
// every level measures new points; within a level, rows whose λ rounds to the same depth L are one network and
// one job (the prediction raster makes the same L = max(1, round(λM)) choice).

export const LAYER_BASE_GRID = { nx: 8, ny: 6 } as const;
/** 8 × 6 … 128 × 96. */
export const LAYER_LEVELS_MAX = 5;
export const LAYER_DEFAULTS = { samples: 2000, levels: 3 } as const;

export interface LayerConfig {
  /** Hidden width M. */
  width: number;
  /** n₀ = max(1, round(α₀M)). */
  inputDim: number;
  /** Networks per cell (N). */
  samples: number;
  /** Layer seed; each cell runs with cellSeed(seed, level, i, j). */
  seed: number;
  /** Number of grids: 1 → 8 × 6 only, 3 → up to 32 × 24. */
  levels: number;
}

export interface LayerCell {
  readonly index: number;
  readonly level: number;
  /** Column (σ_w²) and row (λ, 0 at the bottom) inside this level's nx × ny grid. */
  readonly i: number;
  readonly j: number;
  readonly nx: number;
  readonly ny: number;
  /** The cell's centre: the measured network's σ_w² and the λ it stands for. */
  readonly sigmaW2: number;
  readonly depthToWidth: number;
  /** L = max(1, round(λM)). */
  readonly depth: number;
  /** Index into LayerSchedule.jobs. */
  readonly job: number;
}

export interface LayerJob {
  readonly index: number;
  readonly level: number;
  readonly sigmaW2: number;
  readonly depth: number;
  readonly seed: number;
  /** Cells drawn from this network's result (several when rows share L). */
  readonly cells: readonly number[];
}

export interface LayerSchedule {
  readonly config: LayerConfig;
  /** Level by level (coarse first), row-major inside a level: cells[levelOffsets[l] + j·nx + i]. */
  readonly cells: readonly LayerCell[];
  /** Unique networks in launch order (coarse levels first). */
  readonly jobs: readonly LayerJob[];
  readonly levelOffsets: readonly number[];
  readonly grids: readonly { nx: number; ny: number }[];
}

function requireInt(name: string, v: number, min: number, max: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}] (got ${String(v)})`);
  }
}

function validateLayerConfig(c: LayerConfig): void {
  requireInt('width M', c.width, 1, LIMITS.widthMax);
  requireInt('inputDim n₀', c.inputDim, 1, LIMITS.inputDimMax);
  // N ≥ 3: the App. C.3 estimator and its standard error need three networks (src-shared/contract/measure.ts)
  requireInt('layer samples N', c.samples, 3, LIMITS.samplesMax);
  requireInt('seed', c.seed, 0, 2 ** 32 - 1);
  requireInt('layer levels', c.levels, 1, LAYER_LEVELS_MAX);
}

function levelGrid(level: number): { nx: number; ny: number } {
  requireInt('level', level, 0, LAYER_LEVELS_MAX - 1);
  return { nx: LAYER_BASE_GRID.nx << level, ny: LAYER_BASE_GRID.ny << level };
}

/** Centre of cell k of n along an axis, as plane.ts's cellCentres computes it (tidied decimals). */
function centre(axis: { min: number; max: number }, k: number, n: number): number {
  return tidy(axis.min + ((k + 0.5) * (axis.max - axis.min)) / n);
}

function fmix32(h: number): number {
  // murmur3's finalizer: every input bit affects every output bit
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Seed of one cell's networks. One shared seed would give every cell the same Gaussian draws (rescaled), so the
 * sampling errors of neighbouring cells would be strongly correlated and read as a smooth, systematic pattern;
 * a fixed mix of (seed, level, i, j) keeps the layer reproducible with independent errors per cell.
 */
export function cellSeed(seed: number, level: number, i: number, j: number): number {
  requireInt('seed', seed, 0, 2 ** 32 - 1);
  let h = fmix32(seed ^ 0x9e3779b9);
  h = fmix32(h ^ level);
  h = fmix32(h ^ Math.imul(j, 0x27d4eb2d));
  return fmix32(h ^ i);
}

export function layerSchedule(config: LayerConfig): LayerSchedule {
  validateLayerConfig(config);
  const cells: LayerCell[] = [];
  const jobs: LayerJob[] = [];
  const levelOffsets: number[] = [];
  const grids: { nx: number; ny: number }[] = [];
  for (let level = 0; level < config.levels; level++) {
    const { nx, ny } = levelGrid(level);
    levelOffsets.push(cells.length);
    grids.push({ nx, ny });
    const jobOf = new Map<string, LayerJob & { cells: number[] }>();
    for (let j = 0; j < ny; j++) {
      const depthToWidth = centre(PLANE.depthToWidth, j, ny);
      const depth = depthFromLambda(depthToWidth, config.width);
      if (depth > LIMITS.depthMax)
        throw new RangeError(`depth L = round(λM) = ${depth} exceeds ${LIMITS.depthMax}: lower the width`);
      for (let i = 0; i < nx; i++) {
        const sigmaW2 = centre(PLANE.sigmaW2, i, nx);
        const key = `${sigmaW2}|${depth}`;
        let job = jobOf.get(key);
        if (!job) {
          job = { index: jobs.length, level, sigmaW2, depth, seed: cellSeed(config.seed, level, i, j), cells: [] };
          jobOf.set(key, job);
          jobs.push(job);
        }
        job.cells.push(cells.length);
        cells.push({ index: cells.length, level, i, j, nx, ny, sigmaW2, depthToWidth, depth, job: job.index });
      }
    }
  }
  return { config: { ...config }, cells, jobs, levelOffsets, grids };
}

/** What the lab is asked for one job. */
export function jobParams(schedule: LayerSchedule, job: LayerJob): MeasureParamsInput {
  const { width, inputDim, samples } = schedule.config;
  return { sigmaW2: job.sigmaW2, depth: job.depth, width, inputDim, samples, seed: job.seed, method: 'exact' };
}

// ---------------------------------------------------------------------------------------------------------
// Reliability: heavy tails (EOC, chaotic phase) bias the ratio estimator low and its SE understates (THEORY.md).

export const RELIABILITY = {
  /** Share of Σθ² carried by the top 1% of samples; light tails give ≈ 0.01–0.03. */
  tailShareMax: 0.1,
  /** Standard error relative to the estimate. */
  relStderrMax: 0.2,
} as const;

export function isReliable(r: Pick<MeasureResult, 'dispersion' | 'tailShare'>): boolean {
  const { estimate, stderr } = r.dispersion;
  if (!(Number.isFinite(estimate) && estimate > 0 && Number.isFinite(stderr) && Number.isFinite(r.tailShare)))
    return false;
  return r.tailShare <= RELIABILITY.tailShareMax && stderr / estimate <= RELIABILITY.relStderrMax;
}

// ---------------------------------------------------------------------------------------------------------
// What the runner reports

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface JobOutcome {
  status: JobStatus;
  /** Final result (status 'done'). */
  result?: MeasureResult;
  /** Seleznova & Kutyniok 2022 predictions at this network (status 'done'). */
  predicted?: { finite: number; limit: number };
  /** The lab's reason (status 'failed'). */
  error?: string;
}

export interface LayerView {
  /** Grows with every change (new schedule, job landed, …). */
  readonly version: number;
  readonly schedule: LayerSchedule | null;
  /** Per job of the schedule (same index). Mutated in place by the runner; compare `version`. */
  readonly outcomes: readonly JobOutcome[];
  readonly cellsDone: number;
  readonly cellsFailed: number;
  readonly cellsPlanned: number;
  readonly running: number;
  /** Level of the first unfinished job, or null when every cell is finished (or nothing is planned). */
  readonly level: number | null;
  /** The layer stopped for good (lost connection): why. */
  readonly halted: string | null;
}

export const isFinished = (o: JobOutcome | undefined): boolean => o?.status === 'done' || o?.status === 'failed';

/** The finest finished cell containing (σ_w², λ), or null. */
export function cellAt(view: LayerView, sigmaW2: number, depthToWidth: number): LayerCell | null {
  const s = view.schedule;
  if (!s || !Number.isFinite(sigmaW2) || !Number.isFinite(depthToWidth)) return null;
  const u = (sigmaW2 - PLANE.sigmaW2.min) / (PLANE.sigmaW2.max - PLANE.sigmaW2.min);
  const v = (depthToWidth - PLANE.depthToWidth.min) / (PLANE.depthToWidth.max - PLANE.depthToWidth.min);
  if (u < 0 || u > 1 || v < 0 || v > 1) return null;
  for (let level = s.grids.length - 1; level >= 0; level--) {
    const { nx, ny } = s.grids[level];
    const i = Math.min(nx - 1, Math.floor(u * nx));
    const j = Math.min(ny - 1, Math.floor(v * ny));
    const cell = s.cells[s.levelOffsets[level] + j * nx + i];
    if (isFinished(view.outcomes[cell.job])) return cell;
  }
  return null;
}
