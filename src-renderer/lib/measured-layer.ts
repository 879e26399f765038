// The measured-dispersion layer of the phase plane: sampled networks (seed 004 App. C.3 estimator, run by the
// engine) on a coarse-to-fine grid of cells, drawn over the prediction. This file holds the refinement schedule,
// the colours, the cell geometry, the CSV and the runner that feeds cells to a LabClient (cancel/restart, at most
// a few jobs in flight inside the lab's per-connection cap). No value here is ever made up: a cell is either a
// finished MeasureResult, a failure with the lab's reason, or not drawn.
import { interpolateLab, piecewise } from 'd3';
import type { MeasureParamsInput, MeasureResult } from '../../src-shared/contract/measure';
import { LIMITS } from '../../src-shared/params';
import { predictPoint } from '../../src-shared/theory';
import { colourLut, INVALID_RGB } from '../plots/heatmap';
import { toCsv } from '../plots/export-data';
import type { LabClient, MeasureHandle } from './lab-api';
import { cancelAll, errorCode, errorMessage, Timers } from './lab-jobs';
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

export function validateLayerConfig(c: LayerConfig): void {
  requireInt('width M', c.width, 1, LIMITS.widthMax);
  requireInt('inputDim n₀', c.inputDim, 1, LIMITS.inputDimMax);
  // N ≥ 3: the App. C.3 estimator and its standard error need three networks (src-shared/contract/measure.ts)
  requireInt('layer samples N', c.samples, 3, LIMITS.samplesMax);
  requireInt('seed', c.seed, 0, 2 ** 32 - 1);
  requireInt('layer levels', c.levels, 1, LAYER_LEVELS_MAX);
}

export function levelGrid(level: number): { nx: number; ny: number } {
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
// Colours

export type Rgb = readonly [number, number, number];

/** The heat map's log colour scale (paintHeatmap in plots/heatmap.ts), so agreement leaves no seam. */
export function logColour(value: number, domain: readonly [number, number], lut: Uint8Array): Rgb {
  const [lo, hi] = domain;
  if (!(Number.isFinite(value) && value > 0) || !(lo > 0 && hi > lo && Number.isFinite(hi))) return INVALID_RGB;
  const size = lut.length / 3;
  const t = Math.min(1, Math.max(0, (Math.log(value) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))));
  const k = 3 * Math.round(t * (size - 1));
  return [lut[k], lut[k + 1], lut[k + 2]];
}

/** measured / predicted shown on a log-symmetric scale [1/1.25, 1.25]: ±25 % saturates. */
export const RATIO_DOMAIN = [0.8, 1.25] as const;
/** ColorBrewer RdBu (7 classes) in Lab: blue below 1, neutral #f7f7f7 exactly at 1, red above. */
export const ratioInterpolator = piecewise(interpolateLab, [
  '#2166ac',
  '#67a9cf',
  '#d1e5f0',
  '#f7f7f7',
  '#fddbc7',
  '#ef8a62',
  '#b2182b',
]);
const RATIO_LUT = colourLut(ratioInterpolator, 257); // odd size: t = ½ (ratio 1) is an exact entry

/** Position of a ratio on the legend, 0 … 1 (½ at ratio 1), clamped; NaN for a ratio that is not > 0. */
export function ratioPosition(ratio: number): number {
  if (!(Number.isFinite(ratio) && ratio > 0)) return Number.NaN;
  const half = Math.log(RATIO_DOMAIN[1]);
  return 0.5 + 0.5 * Math.min(1, Math.max(-1, Math.log(ratio) / half));
}

export function ratioColour(ratio: number): Rgb {
  const t = ratioPosition(ratio);
  if (Number.isNaN(t)) return INVALID_RGB;
  const k = 3 * Math.round(t * (RATIO_LUT.length / 3 - 1));
  return [RATIO_LUT[k], RATIO_LUT[k + 1], RATIO_LUT[k + 2]];
}

// ---------------------------------------------------------------------------------------------------------
// What the runner reports

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface JobOutcome {
  status: JobStatus;
  /** Final result (status 'done'). */
  result?: MeasureResult;
  /** Seed 004 predictions at this network (status 'done'). */
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

// ---------------------------------------------------------------------------------------------------------
// Geometry of the drawn layer (pure, so the painter's choices are testable)

export type LayerMode = 'dispersion' | 'ratio';

export interface LayerStyle {
  mode: LayerMode;
  /** Which prediction the ratio divides by. */
  kind: 'finite' | 'limit';
  /** The heat map's log colour domain and ramp. */
  domain: readonly [number, number];
  lut: Uint8Array;
}

export interface LayerRect {
  cell: number;
  x: number;
  y: number;
  w: number;
  h: number;
  rgb: Rgb;
  /** Tail share > 0.1 or SE/estimate > 0.2. */
  unreliable: boolean;
  failed: boolean;
}

/** Square side relative to its cell in 'dispersion' mode: the prediction stays visible around every square. */
export const SQUARE_FRACTION = 0.6;

export function predictedFor(o: JobOutcome, kind: 'finite' | 'limit'): number {
  return o.predicted ? o.predicted[kind] : Number.NaN;
}

/**
 * Rectangles in paint order (coarse levels first) on a w × h pixel canvas whose top-left is (σ_w² min, λ max).
 * A finished cell is skipped once its four children are finished. 'dispersion': a centred square of
 * SQUARE_FRACTION of the cell; 'ratio': the whole cell.
 */
export function layerRects(view: LayerView, w: number, h: number, style: LayerStyle): LayerRect[] {
  const s = view.schedule;
  if (!s || !(w > 0 && h > 0)) return [];
  const out: LayerRect[] = [];
  const finished = (level: number, i: number, j: number): boolean => {
    const { nx } = s.grids[level];
    return isFinished(view.outcomes[s.cells[s.levelOffsets[level] + j * nx + i].job]);
  };
  for (const cell of s.cells) {
    const o = view.outcomes[cell.job];
    if (!isFinished(o)) continue;
    const next = cell.level + 1;
    if (
      next < s.grids.length &&
      finished(next, 2 * cell.i, 2 * cell.j) &&
      finished(next, 2 * cell.i + 1, 2 * cell.j) &&
      finished(next, 2 * cell.i, 2 * cell.j + 1) &&
      finished(next, 2 * cell.i + 1, 2 * cell.j + 1)
    ) {
      continue;
    }
    const x0 = Math.round((cell.i * w) / cell.nx);
    const x1 = Math.round(((cell.i + 1) * w) / cell.nx);
    const y0 = Math.round(((cell.ny - 1 - cell.j) * h) / cell.ny);
    const y1 = Math.round(((cell.ny - cell.j) * h) / cell.ny);
    let rect = { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
    if (style.mode === 'dispersion') {
      const side = Math.max(2, Math.round(SQUARE_FRACTION * Math.min(rect.w, rect.h)));
      rect = { x: Math.round((x0 + x1 - side) / 2), y: Math.round((y0 + y1 - side) / 2), w: side, h: side };
    }
    const failed = o.status === 'failed' || !o.result;
    let rgb: Rgb = INVALID_RGB;
    if (!failed && o.result) {
      const est = o.result.dispersion.estimate;
      rgb =
        style.mode === 'dispersion'
          ? logColour(est, style.domain, style.lut)
          : ratioColour(est / predictedFor(o, style.kind));
    }
    out.push({ cell: cell.index, ...rect, rgb, unreliable: !failed && !!o.result && !isReliable(o.result), failed });
  }
  return out;
}

/** Paint layerRects over whatever a 2D context of w × h device pixels holds. `px` is one CSS pixel in device pixels. */
export function paintLayer(
  ctx: CanvasRenderingContext2D,
  view: LayerView,
  w: number,
  h: number,
  style: LayerStyle,
  px = 1,
): void {
  const rects = layerRects(view, w, h, style);
  const line = Math.max(1, Math.round(px));
  for (const r of rects) {
    ctx.fillStyle = `rgb(${r.rgb[0]},${r.rgb[1]},${r.rgb[2]})`;
    ctx.fillRect(r.x, r.y, r.w, r.h);
  }
  // outlines after all fills, so a neighbour's fill never covers them
  ctx.lineWidth = line;
  for (const r of rects) {
    if (r.unreliable) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(r.x, r.y, r.w, r.h);
      ctx.clip();
      ctx.strokeStyle = 'rgba(0,0,0,0.55)';
      ctx.beginPath();
      const step = 4 * line;
      for (let d = -r.h; d < r.w; d += step) {
        ctx.moveTo(r.x + d, r.y + r.h);
        ctx.lineTo(r.x + d + r.h, r.y);
      }
      ctx.stroke();
      ctx.restore();
    }
    // a faint edge locates each square where it matches the prediction; a ratio map reads best without grid lines
    if (style.mode === 'ratio') continue;
    ctx.strokeStyle = 'rgba(255,255,255,0.35)';
    ctx.strokeRect(r.x + line / 2, r.y + line / 2, r.w - line, r.h - line);
  }
}

// ---------------------------------------------------------------------------------------------------------
// CSV of the finished cells

export const MEASURED_CELLS_COLUMNS = [
  'level',
  'nx',
  'ny',
  'sigmaW2',
  'depthToWidth',
  'depth',
  'width',
  'inputDim',
  'seed',
  'status',
  'measured_samples',
  'measured_dispersion',
  'measured_stderr',
  'measured_tailShare',
  'measured_meanTheta',
  'measured_meanTheta_stderr',
  'reliable',
  'predicted_finite',
  'predicted_limit',
  'error',
] as const;

/** One row per finished cell (done or failed), coarse levels first; queued and running cells are left out. */
export function measuredCellsCsv(view: LayerView): string {
  const s = view.schedule;
  function* rows() {
    if (!s) return;
    for (const cell of s.cells) {
      const o = view.outcomes[cell.job];
      if (!isFinished(o)) continue;
      const job = s.jobs[cell.job];
      const r = o.status === 'done' ? o.result : undefined;
      yield [
        cell.level,
        cell.nx,
        cell.ny,
        cell.sigmaW2,
        cell.depthToWidth,
        cell.depth,
        s.config.width,
        s.config.inputDim,
        job.seed,
        o.status,
        r?.samples,
        r?.dispersion.estimate,
        r?.dispersion.stderr,
        r?.tailShare,
        r?.meanTheta.estimate,
        r?.meanTheta.stderr,
        r ? (isReliable(r) ? 1 : 0) : undefined,
        o.predicted?.finite,
        o.predicted?.limit,
        o.error,
      ];
    }
  }
  return toCsv(MEASURED_CELLS_COLUMNS, rows());
}

// ---------------------------------------------------------------------------------------------------------
// Runner

/** The lab's running-job cap per connection (MAX_JOBS_PER_CONNECTION, src-main/service/connection.ts). */
export const LAB_JOB_CAP = 8;
export const LAYER_MAX_IN_FLIGHT = 6;

/** Jobs the layer may run while other measurements (cursor, slices) may hold `reserved` of the lab's slots. */
export function layerBudget(reserved: number): number {
  if (!Number.isFinite(reserved) || reserved < 0)
    throw new RangeError(`reserved job slots must be a finite number ≥ 0 (got ${reserved})`);
  return Math.max(1, Math.min(LAYER_MAX_IN_FLIGHT, LAB_JOB_CAP - Math.ceil(reserved)));
}

/** 'busy': the lab's job cap is momentarily full (retry later); 'refused' is final (src-main/service/connection.ts). */
export function isCapacityRefusal(err: unknown): boolean {
  return errorCode(err) === 'busy';
}

export interface LayerRunnerOptions {
  /** Jobs in flight at most (further bounded by setBudget). Default LAYER_MAX_IN_FLIGHT. */
  maxInFlight?: number;
  /** A new configuration starts this long after the last change (typing 3 → 30 measures only M = 30). */
  delayMs?: number;
  /** After a capacity refusal with nothing of ours running: wait this long before trying again. */
  retryDelayMs?: number;
}

/**
 * Runs a layer's jobs on a LabClient, coarse first, at most min(maxInFlight, budget) at once. configure() with a
 * new configuration cancels everything outstanding and starts over; configure(null) switches the layer off.
 */
export class MeasuredLayerRunner {
  readonly #opts: Required<LayerRunnerOptions>;
  #key = '';
  #generation = 0;
  #schedule: LayerSchedule | null = null;
  #outcomes: JobOutcome[] = [];
  #next = 0;
  /** Jobs handed back (capacity refusal, pre-emption); launched before #next. */
  #requeued: number[] = [];
  /** Running jobs in launch order. */
  #running = new Map<number, MeasureHandle>();
  #budget = LAYER_MAX_IN_FLIGHT;
  /** Slots the lab seems to have left for us: shrinks on a capacity refusal, grows by one per landed job. */
  #capacityHint = LAYER_MAX_IN_FLIGHT;
  #started = false;
  #waiting = false;
  #halted: string | null = null;
  #timers = new Timers();
  #cellsDone = 0;
  #cellsFailed = 0;
  #firstUnfinished = 0;
  #version = 0;

  constructor(
    private readonly lab: LabClient,
    private readonly onChange: (view: LayerView) => void,
    opts: LayerRunnerOptions = {},
  ) {
    this.#opts = { maxInFlight: LAYER_MAX_IN_FLIGHT, delayMs: 400, retryDelayMs: 300, ...opts };
    requireInt('maxInFlight', this.#opts.maxInFlight, 1, LAB_JOB_CAP);
    this.#capacityHint = this.#opts.maxInFlight;
  }

  get view(): LayerView {
    const s = this.#schedule;
    while (s && this.#firstUnfinished < s.jobs.length && isFinished(this.#outcomes[this.#firstUnfinished]))
      this.#firstUnfinished++;
    return {
      version: this.#version,
      schedule: s,
      outcomes: this.#outcomes,
      cellsDone: this.#cellsDone,
      cellsFailed: this.#cellsFailed,
      cellsPlanned: s ? s.cells.length : 0,
      running: this.#running.size,
      level: s && this.#firstUnfinished < s.jobs.length ? s.jobs[this.#firstUnfinished].level : null,
      halted: this.#halted,
    };
  }

  /**
   * Switch the layer to `config` (null: off). The same configuration again changes nothing. Bad values throw a
   * RangeError.
   */
  configure(config: LayerConfig | null): void {
    if (config === null) {
      if (this.#key === '' && this.#schedule === null) return;
      this.#reset();
      this.#key = '';
      this.#schedule = null;
      this.#outcomes = [];
      this.#emit();
      return;
    }
    const schedule = layerSchedule(config); // validates before anything is cancelled
    const key = JSON.stringify([config.width, config.inputDim, config.samples, config.seed, config.levels]);
    if (key === this.#key) return;
    this.#reset();
    this.#key = key;
    this.#schedule = schedule;
    this.#outcomes = schedule.jobs.map(() => ({ status: 'queued' }));
    this.#emit();
    const generation = this.#generation;
    this.#timers.later(this.#opts.delayMs, () => {
      if (generation !== this.#generation) return;
      this.#started = true;
      this.#pump();
    });
  }

  /**
   * Jobs the layer may hold now (see layerBudget). Lowering it cancels the newest running jobs and queues them again.
   */
  setBudget(budget: number): void {
    requireInt('layer job budget', budget, 1, LAB_JOB_CAP);
    this.#budget = budget;
    const excess = this.#running.size - this.#limit();
    if (excess > 0) {
      const newest = [...this.#running.keys()].slice(-excess);
      for (const job of newest) {
        const handle = this.#running.get(job)!;
        this.#running.delete(job); // before cancel(): its rejection must find the job no longer ours
        this.#outcomes[job] = { status: 'queued' };
        this.#requeued.push(job);
        handle.cancel();
      }
      this.#emit();
    } else {
      this.#pump();
    }
  }

  /** Cancel everything; no further callbacks. */
  dispose(): void {
    this.#reset();
    this.#key = '';
    this.#schedule = null;
  }

  #limit(): number {
    return Math.min(this.#opts.maxInFlight, this.#budget, this.#capacityHint);
  }

  #reset(): void {
    this.#generation++;
    this.#timers.clear();
    cancelAll(this.#running);
    this.#next = 0;
    this.#requeued = [];
    this.#capacityHint = this.#opts.maxInFlight;
    this.#started = false;
    this.#waiting = false;
    this.#halted = null;
    this.#cellsDone = 0;
    this.#cellsFailed = 0;
    this.#firstUnfinished = 0;
  }

  #emit(): void {
    this.#version++;
    this.onChange(this.view);
  }

  #take(): number | undefined {
    if (this.#requeued.length > 0) {
      // the coarsest handed-back job first
      let best = 0;
      for (let k = 1; k < this.#requeued.length; k++) if (this.#requeued[k] < this.#requeued[best]) best = k;
      return this.#requeued.splice(best, 1)[0];
    }
    const s = this.#schedule;
    return s && this.#next < s.jobs.length ? this.#next++ : undefined;
  }

  #pump(): void {
    const s = this.#schedule;
    if (!s || !this.#started || this.#halted !== null || this.#waiting) return;
    let changed = false;
    while (this.#running.size < this.#limit()) {
      const job = this.#take();
      if (job === undefined) break;
      this.#launch(s, job);
      changed = true;
    }
    if (changed) this.#emit();
  }

  #launch(s: LayerSchedule, index: number): void {
    const generation = this.#generation;
    let handle: MeasureHandle;
    try {
      handle = this.lab.measure(jobParams(s, s.jobs[index]));
    } catch (err) {
      this.#fail(index, errorMessage(err));
      return;
    }
    this.#running.set(index, handle);
    this.#outcomes[index] = { status: 'running' };
    handle.done.then(
      (r) => this.#settle(generation, index, handle, r, undefined),
      (err: unknown) => this.#settle(generation, index, handle, undefined, err),
    );
  }

  #settle(
    generation: number,
    index: number,
    handle: MeasureHandle,
    result: MeasureResult | undefined,
    err: unknown,
  ): void {
    // superseded (new configuration, switched off) or pre-empted: not ours any more
    if (generation !== this.#generation || this.#running.get(index) !== handle) return;
    this.#running.delete(index);
    if (result) {
      this.#land(index, result);
      this.#capacityHint = Math.min(this.#opts.maxInFlight, this.#capacityHint + 1);
    } else if (isCapacityRefusal(err)) {
      this.#outcomes[index] = { status: 'queued' };
      this.#requeued.push(index);
      this.#capacityHint = Math.max(1, this.#running.size);
      if (this.#running.size === 0) {
        // nothing of ours will land to free a slot: ask again a little later
        this.#waiting = true;
        this.#timers.later(this.#opts.retryDelayMs, () => {
          if (generation !== this.#generation) return;
          this.#waiting = false;
          this.#pump();
        });
      }
    } else if (errorCode(err) === 'disconnected') {
      const message = errorMessage(err);
      this.#halt(message);
      return;
    } else {
      this.#fail(index, errorMessage(err));
    }
    this.#emit();
    this.#pump();
  }

  #land(index: number, r: MeasureResult): void {
    const s = this.#schedule!;
    if (!(Number.isFinite(r.dispersion.estimate) && Number.isFinite(r.dispersion.stderr))) {
      this.#fail(index, 'the lab returned a non-finite dispersion estimate');
      return;
    }
    const job = s.jobs[index];
    let predicted = { finite: Number.NaN, limit: Number.NaN };
    try {
      const p = predictPoint({
        sigmaW2: job.sigmaW2,
        depth: job.depth,
        width: s.config.width,
        inputDim: s.config.inputDim,
      });
      predicted = { finite: p.dispersion.finite, limit: p.dispersion.limit };
    } catch {
      // the theory refuses this network: the ratio stays undefined (drawn grey), the measurement stands
    }
    this.#outcomes[index] = { status: 'done', result: r, predicted };
    this.#cellsDone += job.cells.length;
  }

  #fail(index: number, error: string): void {
    this.#outcomes[index] = { status: 'failed', error };
    this.#cellsFailed += this.#schedule!.jobs[index].cells.length;
  }

  #halt(reason: string): void {
    const handles = [...this.#running.entries()];
    this.#running.clear();
    for (const [job, h] of handles) {
      this.#outcomes[job] = { status: 'queued' };
      h.cancel();
    }
    this.#halted = reason;
    this.#emit();
  }
}
