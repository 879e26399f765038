// Pure logic of the "First GD step" tab (seed 004 Thm 4.1 / App. A.3, issue 4 item 5): the job parameters from the
// tab's controls, the schedules of the λ slices and of the plane layer, the CSV/JSON rows and the readout's words.
// No DOM, no lab: GdStepPanel.svelte and the plots draw what these return; gd-step-jobs.ts runs the jobs.
import { quantileSorted } from 'd3';
import {
  gdStepParamsSchema,
  type GdStepMethod,
  type GdStepParamsInput,
  type GdStepResult,
} from '../../src-shared/contract/gd-step';
import type { Estimate } from '../../src-shared/contract/measure';
import { describeZodError, phaseOf, type Phase } from '../../src-shared/params';
import {
  chaoticLowerBound,
  gdStepLimit,
  lazyRescaledRelativeChange,
  learningRateScale,
  orderedUpperBoundScaling,
} from '../../src-shared/theory/gd-step';
import { toCsv } from '../plots/export-data';
import { formatEstimate, formatInteger } from './format';
import type { GdPoint, GdTarget } from './gd-step-jobs';
import { cellCentres, depthFromLambda, PLANE, tidy, type Axis } from './plane';

// ---------------------------------------------------------------------------------------------------------
// Controls → job parameters

/** η as typed, or η₀·a^{−L}: the scaling under which the chaotic limit stays finite (seed 004 App. A.3). */
export type LrScaling = 'fixed' | 'a-pow-minus-L';

export interface GdStepControls {
  /** η (or η₀ when lrScaling is 'a-pow-minus-L'). */
  lr: number;
  lrScaling: LrScaling;
  /** y of the single training sample (∂L/∂f = f − y, seed 004 App. A.3). */
  target: number;
  /** Lazy-training rescale α (seed 004 App. B.3: relative change ∝ 1/α²). */
  scale: number;
  /** ‖x‖ (seed 004 normalizes to 1). */
  inputNorm: number;
  /** Cosine of the second input x̃ for the off-diagonal Θ(x, x̃); null: not measured. */
  pairCos: number | null;
  method: GdStepMethod;
  /** Networks at the cursor. */
  samples: number;
  /** Networks per slice point (kept modest: 24 jobs). */
  sliceSamples: number;
  /** Networks per plane-layer cell. */
  layerSamples: number;
  seed: number;
}

export const GD_STEP_DEFAULTS: GdStepControls = {
  lr: 1e-3,
  lrScaling: 'fixed',
  target: 0,
  scale: 1,
  inputNorm: 1,
  pairCos: null,
  method: 'exact',
  samples: 200,
  sliceSamples: 48,
  layerSamples: 24,
  seed: 1,
};

/** The network a job runs: seed 004's FC ReLU net (σ_b = 0), L weight layers of width M, n₀ inputs. */
export interface GdStepNet {
  sigmaW2: number;
  depth: number;
  width: number;
  inputDim: number;
}

/**
 * η as typed, or η₀·a^{−L} (seed 004 App. A.3; the factor from the theory module, applied in log space: a^L overflows).
 */
export function effectiveLr(lr: number, scaling: LrScaling, sigmaW2: number, depth: number): number {
  if (!(Number.isFinite(lr) && lr > 0)) throw new RangeError(`η must be a finite number > 0 (got ${lr})`);
  if (scaling === 'fixed') return lr;
  const v = Math.exp(Math.log(lr) + learningRateScale(sigmaW2, depth).log);
  if (!(Number.isFinite(v) && v > 0))
    throw new RangeError(`η₀·a^{−L} = ${lr}·${sigmaW2 / 2}^{−${depth}} leaves float64`);
  return v;
}

/**
 * Validated gd-step parameters (the contract's own schema); RangeError with the schema's readable message otherwise.
 */
export function gdStepJobParams(net: GdStepNet, c: GdStepControls, samples: number): GdStepParamsInput {
  const params: GdStepParamsInput = {
    sigmaW2: net.sigmaW2,
    depth: net.depth,
    width: net.width,
    inputDim: net.inputDim,
    lr: effectiveLr(c.lr, c.lrScaling, net.sigmaW2, net.depth),
    target: c.target,
    scale: c.scale,
    inputNorm: c.inputNorm,
    samples,
    seed: c.seed,
    method: c.method,
    ...(c.pairCos === null ? {} : { pairCos: c.pairCos }),
  };
  const parsed = gdStepParamsSchema.safeParse(params);
  if (!parsed.success) throw new RangeError(describeZodError(parsed.error));
  return params;
}

/** A target for gd-step-jobs.ts: the parameters, or the reason they cannot be sent (shown at that point). */
export function gdTarget(channel: string, net: GdStepNet, c: GdStepControls, samples: number): GdTarget {
  try {
    return { channel, params: gdStepJobParams(net, c, samples) };
  } catch (err) {
    return { channel, params: { invalid: err instanceof Error ? err.message : String(err) } };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Which measured quantity is plotted

/** 'abs': E[|ΔΘ|]/E[Θ] (always ≥ 0; the log plots' default); 'signed': E[ΔΘ]/E[Θ] (Thm 4.1's quantity; may be < 0). */
export type GdQuantity = 'abs' | 'signed';

export const QUANTITY_LABEL: Record<GdQuantity, string> = { abs: 'E[|ΔΘ|] / E[Θ]', signed: 'E[ΔΘ] / E[Θ]' };

export function quantityOf(r: GdStepResult, q: GdQuantity): Estimate {
  return q === 'abs' ? r.absRelativeChange : r.relativeChange;
}

/**
 * Why an estimate should not be read at face value: 'diverged' (some steps overflowed and were left out, which biases
 * the mean), 'noisy' (SE ≥ |estimate|: the sign, and on a log axis the magnitude, is not resolved), 'negative'
 * (a signed estimate < 0 has no place on a log axis: |estimate| is drawn, open). null: none of these.
 */
export type GdFlag = 'diverged' | 'noisy' | 'negative' | null;

export function flagOf(r: GdStepResult, q: GdQuantity): GdFlag {
  const e = quantityOf(r, q);
  if (r.diverged > 0) return 'diverged';
  if (!(Number.isFinite(e.estimate) && Number.isFinite(e.stderr)) || e.stderr >= Math.abs(e.estimate)) return 'noisy';
  if (e.estimate < 0) return 'negative';
  return null;
}

/** "3 of 200 steps overflowed (left out)"; '' when none did. */
export function divergedText(r: Pick<GdStepResult, 'diverged' | 'samplesRequested' | 'samples'>): string {
  if (r.diverged <= 0) return '';
  const total = r.samples + r.diverged;
  return `${formatInteger(r.diverged)} of ${formatInteger(total)} steps overflowed (left out)`;
}

/** "1.234 ± 0.056" or "—" when the lab had no finite networks (never "NaN"). */
export function formatRelative(e: Estimate): string {
  return formatEstimate(e.estimate, e.stderr);
}

// ---------------------------------------------------------------------------------------------------------
// What the theory says (src-shared/theory/gd-step.ts): Thm 4.1 gives limits only; App. A.3's chaotic case prints one
// expression (evaluated exactly there, first order in η, not a proven bound); the ordered case only a scaling.

export const PHASE_NAME: Record<Phase, string> = {
  ordered: 'ordered phase',
  'edge-of-chaos': 'edge of chaos',
  chaotic: 'chaotic phase',
};

export interface TheoryStatement {
  phase: Phase;
  /** The limit (0 or ∞) when the text proves one; null at the EOC (not stated in seed 004). */
  limit: number | null;
  /** What the text says, with its source, as the theory module words it. */
  statement: string;
  /** Further words: the η-scaling (chaotic) or the upper-bound scaling (ordered). */
  extra: string;
}

export function theoryStatement(sigmaW2: number, depth?: number, lr?: number): TheoryStatement {
  const phase = phaseOf(sigmaW2);
  const t = gdStepLimit(sigmaW2);
  let extra = '';
  if (phase === 'chaotic')
    extra =
      'App. A.3: η = O(a⁻ᴸ) keeps the chaotic change finite (control “η = η₀·a⁻ᴸ”). Limit only: no finite-size curve.';
  else if (phase === 'ordered') {
    extra = 'Limit only: no finite-size curve.';
    if (depth !== undefined && lr !== undefined)
      extra = `${orderedUpperBoundScaling(sigmaW2, depth, lr).note}. ${extra}`;
  }
  return { phase, limit: t.kind === 'limit' ? t.value : null, statement: t.note, extra };
}

/**
 * Why the App. A.3 chaotic expression is not drawn for these controls ('' when it is): it assumes y = 0, ‖x‖ = 1, α =
 * 1.
 */
export function chaoticBoundUnavailable(
  c: Pick<GdStepControls, 'target' | 'inputNorm' | 'scale'>,
  q: GdQuantity,
): string {
  if (q !== 'abs') return 'App. A.3 bounds E[|ΔΘ|], not E[ΔΘ]: switch to E[|ΔΘ|]/E[Θ] to see it';
  const off: string[] = [];
  if (c.target !== 0) off.push('y = 0');
  if (c.inputNorm !== 1) off.push('‖x‖ = 1');
  if (c.scale !== 1) off.push('α = 1');
  return off.length ? `App. A.3 expression drawn only for ${off.join(', ')} (its assumptions)` : '';
}

/**
 * App. A.3 case-1 expression B/E[Θ] for E[|ΔΘ|]/E[Θ] at one network (σ_w² > 2, L ≥ 2), with the η the job uses; NaN
 * elsewhere.
 */
export function chaoticBoundAt(net: GdStepNet, c: GdStepControls): number {
  if (phaseOf(net.sigmaW2) !== 'chaotic' || net.depth < 2) return Number.NaN;
  const widths = [net.inputDim, ...new Array<number>(net.depth - 1).fill(net.width)];
  return chaoticLowerBound(net.sigmaW2, widths, effectiveLr(c.lr, c.lrScaling, net.sigmaW2, net.depth)).relAbsChange;
}

/**
 * The expression along λ (one value per distinct depth L = 2 … λ_max·M, at most `points` of them), for a slice's curve.
 */
export function chaoticBoundCurve(
  sigmaW2: number,
  width: number,
  inputDim: number,
  c: GdStepControls,
  lambdaMax: number,
  points = 60,
): { xs: number[]; ys: number[] } {
  const xs: number[] = [];
  const ys: number[] = [];
  const top = depthFromLambda(lambdaMax, width);
  if (phaseOf(sigmaW2) !== 'chaotic' || top < 2) return { xs, ys };
  let last = 0;
  for (let k = 0; k < points; k++) {
    const depth = Math.max(2, Math.round(2 + ((top - 2) * k) / Math.max(1, points - 1)));
    if (depth === last) continue;
    last = depth;
    let v = Number.NaN;
    try {
      v = chaoticBoundAt({ sigmaW2, depth, width, inputDim }, c);
    } catch {
      v = Number.NaN; // e.g. η₀·a^{−L} outside float64: no curve there
    }
    xs.push(depth / width);
    ys.push(v);
  }
  return { xs, ys };
}

/** Identity of a cursor job up to the rescale α: a measurement at α = 1 with this key is the 1/α² law's reference. */
export function lazyKey(params: GdStepParamsInput): string {
  const { scale: _scale, ...rest } = params;
  return JSON.stringify(
    Object.entries(rest)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/**
 * The parameters gdStepJobParams would have sent for a result (so a result is matched by what it is, not when it came).
 */
export function resultParams(r: GdStepResult): GdStepParamsInput {
  return {
    sigmaW2: r.sigmaW2,
    depth: r.depth,
    width: r.width,
    inputDim: r.inputDim,
    lr: r.lr,
    target: r.target,
    scale: r.scale,
    inputNorm: r.inputNorm,
    samples: r.samplesRequested,
    seed: r.seed,
    method: r.method,
    ...(r.pairCos === undefined ? {} : { pairCos: r.pairCos }),
  };
}

/** App. B.3's prediction at α from a measurement at α = 1: both ratios ÷ α², SEs too (α is exact). */
export function lazyPrediction(
  reference: GdStepResult,
  scale: number,
): { relativeChange: Estimate; absRelativeChange: Estimate } {
  if (reference.scale !== 1)
    throw new RangeError(`the 1/α² reference must be measured at α = 1 (got α = ${reference.scale})`);
  const f = (e: Estimate): Estimate =>
    Number.isFinite(e.estimate)
      ? { estimate: lazyRescaledRelativeChange(e.estimate, scale), stderr: e.stderr / (scale * scale) }
      : { estimate: Number.NaN, stderr: Number.NaN };
  return { relativeChange: f(reference.relativeChange), absRelativeChange: f(reference.absRelativeChange) };
}

/** The lazy-training control (seed 004 App. B.3): the measured change at α should be 1/α² times the one at α = 1. */
export function lazyScaleNote(scale: number): string {
  if (scale === 1) return '';
  return `α = ${scale}: App. B.3 predicts the relative change ÷ α² = ÷ ${Number((scale * scale).toPrecision(4))} (compare with α = 1)`;
}

// ---------------------------------------------------------------------------------------------------------
// The slices vs λ (one series per σ_w², seed 004 Fig. 4's values by default)

/** How far past its point a ±SE bar may extend the slice plot's log axis (a factor); longer bars are clipped. */
export const WHISKER_SPAN = 10;
/** How far the slice plot's log axis reaches beyond the middle half of the measured values (a factor, 8 decades). */
export const OUTLIER_SPAN = 1e8;

export interface SliceYDomain {
  lo: number;
  hi: number;
  /** Where a value lies: inside the axis, or beyond it (drawn as a triangle on the frame edge). */
  place(abs: number): 'inside' | 'above' | 'below';
  /** Whether a bar [abs − SE, abs + SE] leaves the axis at either end (drawn with an arrow there). */
  clipped(abs: number, stderr: number): { top: boolean; bottom: boolean };
}

/**
 * The slice plot's log y domain: every positive |estimate| and curve value, each ±SE bar to at most WHISKER_SPAN past
 * its point (a heavy-tailed point's SE would otherwise squash every other series), at least a decade, padded by 1.3
 * on both ends. With four or more points it reaches at most OUTLIER_SPAN beyond their quartiles: deep in the chaotic
 * phase the change at fixed η grows like a^L (Thm 4.1 → ∞) and one point at 1e120 would flatten every other series;
 * such points sit on the frame edge with their value in the tooltip.
 */
export function sliceYDomain(
  marks: readonly { abs: number; stderr: number }[],
  curves: readonly (readonly number[])[],
): SliceYDomain {
  const values = marks
    .map((m) => m.abs)
    .filter((v) => Number.isFinite(v) && v > 0)
    .sort((p, q) => p - q);
  let capLo = 0,
    capHi = Infinity;
  if (values.length >= 4) {
    capLo = (quantileSorted(values, 0.25) as number) / OUTLIER_SPAN;
    capHi = (quantileSorted(values, 0.75) as number) * OUTLIER_SPAN;
  }
  let lo = Infinity,
    hi = -Infinity;
  const take = (v: number) => {
    if (Number.isFinite(v) && v > 0) {
      lo = Math.min(lo, Math.max(v, capLo));
      hi = Math.max(hi, Math.min(v, capHi));
    }
  };
  for (const m of marks) {
    take(m.abs);
    take(Math.min(m.abs + m.stderr, m.abs * WHISKER_SPAN));
    take(Math.max(m.abs - m.stderr, m.abs / WHISKER_SPAN));
  }
  for (const c of curves) c.forEach(take);
  if (!(lo <= hi)) [lo, hi] = [1e-3, 1];
  if (hi / lo < 10) {
    const mid = Math.sqrt(lo * hi);
    [lo, hi] = [mid / Math.sqrt(10), mid * Math.sqrt(10)];
  }
  const [dLo, dHi] = [lo / 1.3, hi * 1.3];
  return {
    lo: dLo,
    hi: dHi,
    place: (abs) => (abs > dHi ? 'above' : abs < dLo ? 'below' : 'inside'),
    clipped: (abs, stderr) => ({ top: abs + stderr > dHi, bottom: !(abs - stderr > dLo) }),
  };
}

export const SLICE_SIGMAS_DEFAULT = [1.0, 2.0, 2.2] as const;
/** One colour per series (blue, green, orange: ordered, EOC, chaotic with the defaults). */
export const SERIES_COLOURS = ['#1d5fbf', '#15803d', '#c2410c'] as const;
/** λ at which each series is measured; the realized depth is max(1, round(λM)), so small M merges some. */
export const SLICE_LAMBDAS = [0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1] as const;

export interface SlicePointSpec {
  series: number;
  sigmaW2: number;
  /** λ asked for. */
  lambda: number;
  depth: number;
  /** L/M actually run (where the point is drawn). */
  lambdaRealized: number;
  channel: string;
}

/** One point per (series, distinct depth), series by series; depths that round to the same L are measured once. */
export function sliceSchedule(
  sigmas: readonly number[],
  width: number,
  lambdas: readonly number[] = SLICE_LAMBDAS,
): SlicePointSpec[] {
  if (!(Number.isInteger(width) && width >= 1)) throw new RangeError(`width M must be an integer ≥ 1 (got ${width})`);
  const out: SlicePointSpec[] = [];
  sigmas.forEach((sigmaW2, series) => {
    if (!(Number.isFinite(sigmaW2) && sigmaW2 > 0))
      throw new RangeError(`slice σ_w² must be a finite number > 0 (got ${sigmaW2})`);
    const seen = new Set<number>();
    lambdas.forEach((lambda) => {
      const depth = depthFromLambda(lambda, width);
      if (seen.has(depth)) return;
      seen.add(depth);
      out.push({
        series,
        sigmaW2,
        lambda,
        depth,
        lambdaRealized: tidy(depth / width),
        channel: `gd-slice-${series}-${depth}`,
      });
    });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The plane layer: coarse 8 × 6, then 16 × 12, over the Explore plane's window

export const GD_LAYER_LEVELS = [
  { nx: 8, ny: 6 },
  { nx: 16, ny: 12 },
] as const;

export interface GdLayerCell {
  level: number;
  i: number;
  j: number;
  nx: number;
  ny: number;
  sigmaW2: number;
  depthToWidth: number;
  depth: number;
  channel: string;
}

/** Every level's cells (centres of an nx × ny split of the plane), coarse level first, so the map fills in early. */
export function gdLayerSchedule(width: number, levels: number = GD_LAYER_LEVELS.length): GdLayerCell[] {
  if (!(Number.isInteger(levels) && levels >= 1 && levels <= GD_LAYER_LEVELS.length)) {
    throw new RangeError(`layer levels must be an integer in [1, ${GD_LAYER_LEVELS.length}] (got ${levels})`);
  }
  const out: GdLayerCell[] = [];
  for (let level = 0; level < levels; level++) {
    const { nx, ny } = GD_LAYER_LEVELS[level];
    const xs = cellCentres(axis(PLANE.sigmaW2, nx));
    const ys = cellCentres(axis(PLANE.depthToWidth, ny));
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const depth = depthFromLambda(ys[j], width);
        out.push({
          level,
          i,
          j,
          nx,
          ny,
          sigmaW2: xs[i],
          depthToWidth: ys[j],
          depth,
          channel: `gd-layer-${level}-${i}-${j}`,
        });
      }
    }
  }
  return out;
}

const axis = (a: Axis, cells: number): Axis => ({ min: a.min, max: a.max, cells });

/** What one drawn cell shows: the finest result covering it. */
export interface LayerTile {
  /** The finest-level cell: where the tile is drawn. */
  cell: GdLayerCell;
  /** Where its value was measured: the cell itself or, until that finishes, the coarse cell containing it. */
  source: GdLayerCell;
  point: GdPoint;
  /** log₁₀ of the plotted quantity's |estimate|; NaN when there is none (failed: the lab's reason is point.error). */
  log10: number;
  flag: GdFlag;
}

/**
 * The map to draw, one tile per finest-level cell: its own finished result, else its own failure (with the lab's
 * reason), else the finished coarse cell containing it — so the map is complete after the first pass and sharpens as
 * the second arrives. Cells with nothing yet are omitted (left blank, never filled with a guess).
 */
export function layerTiles(cells: readonly GdLayerCell[], points: readonly GdPoint[], q: GdQuantity): LayerTile[] {
  if (cells.length !== points.length)
    throw new RangeError(`layer has ${points.length} points for ${cells.length} cells`);
  if (cells.length === 0) return [];
  const finest = Math.max(...cells.map((c) => c.level));
  const byKey = new Map<string, number>();
  cells.forEach((c, k) => byKey.set(`${c.level}:${c.i}:${c.j}`, k));
  const done = (k: number | undefined): k is number =>
    k !== undefined && points[k].status === 'done' && points[k].result !== undefined;
  const out: LayerTile[] = [];
  cells.forEach((c, k) => {
    if (c.level !== finest) return;
    let src = done(k) ? k : points[k].status === 'error' ? k : -1;
    // grids double per level, so the parent of (i, j) is (i >> 1, j >> 1)
    for (let level = c.level - 1, i = c.i >> 1, j = c.j >> 1; src < 0 && level >= 0; level--, i >>= 1, j >>= 1) {
      const at = byKey.get(`${level}:${i}:${j}`);
      if (done(at)) src = at;
    }
    if (src < 0) return;
    const p = points[src];
    const r = p.status === 'done' ? p.result : undefined;
    const e = r ? quantityOf(r, q) : undefined;
    const log10 = e && Number.isFinite(e.estimate) && e.estimate !== 0 ? Math.log10(Math.abs(e.estimate)) : Number.NaN;
    out.push({ cell: c, source: cells[src], point: p, log10, flag: r ? flagOf(r, q) : null });
  });
  return out;
}

/** [min, max] of the finite log₁₀ values; a flat field gets ±0.05 so the colour scale has a span. null: nothing yet. */
export function log10Domain(tiles: readonly LayerTile[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of tiles) {
    if (Number.isFinite(t.log10)) {
      lo = Math.min(lo, t.log10);
      hi = Math.max(hi, t.log10);
    }
  }
  if (!(lo <= hi)) return null;
  if (hi - lo < 0.1) return [lo - 0.05, hi + 0.05];
  return [lo, hi];
}

export interface LayerProgress {
  done: number;
  failed: number;
  running: number;
  planned: number;
  /** The level being measured (0-based), null when all are finished. */
  level: number | null;
}

export function layerProgress(cells: readonly GdLayerCell[], points: readonly GdPoint[]): LayerProgress {
  let done = 0;
  let failed = 0;
  let running = 0;
  let level: number | null = null;
  points.forEach((p, k) => {
    if (p.status === 'done') done++;
    else if (p.status === 'error') failed++;
    else {
      if (p.status === 'running') running++;
      if (level === null || cells[k].level < level) level = cells[k].level;
    }
  });
  return { done, failed, running, planned: points.length, level };
}

// ---------------------------------------------------------------------------------------------------------
// Exports

/** Columns shared by every gd-step CSV row: the network, the step, and both estimates with N and divergences. */
export const RESULT_COLUMNS = [
  'sigmaW2',
  'depthToWidth',
  'depth',
  'width',
  'inputDim',
  'lr',
  'target',
  'scale',
  'inputNorm',
  'pairCos',
  'method',
  'seed',
  'samples',
  'samplesRequested',
  'diverged',
  'relativeChange',
  'relativeChange_stderr',
  'absRelativeChange',
  'absRelativeChange_stderr',
  'meanTheta',
  'meanTheta_stderr',
  'offDiagonal_relativeChange',
  'offDiagonal_relativeChange_stderr',
  'seconds',
  'done',
  'status',
  'error',
] as const;

type Cell = number | string | null | undefined;

/** One CSV row for a point: the network where it was asked (also when it failed) and the result's numbers, if any. */
export function resultRow(
  where: { sigmaW2: number; depthToWidth: number; depth: number; width: number },
  p: GdPoint,
): Cell[] {
  const r = p.result;
  return [
    where.sigmaW2,
    where.depthToWidth,
    where.depth,
    where.width,
    r?.inputDim,
    r?.lr,
    r?.target,
    r?.scale,
    r?.inputNorm,
    r?.pairCos,
    r?.method,
    r?.seed,
    r?.samples,
    r?.samplesRequested,
    r?.diverged,
    r?.relativeChange.estimate,
    r?.relativeChange.stderr,
    r?.absRelativeChange.estimate,
    r?.absRelativeChange.stderr,
    r?.meanTheta.estimate,
    r?.meanTheta.stderr,
    r?.offDiagonal?.relativeChange.estimate,
    r?.offDiagonal?.relativeChange.stderr,
    r?.seconds,
    r ? String(r.done) : '',
    p.status,
    p.error ?? '',
  ];
}

/** The slices: one row per scheduled point (series index first). */
export function sliceCsvText(specs: readonly SlicePointSpec[], points: readonly GdPoint[], width: number): string {
  if (specs.length !== points.length)
    throw new RangeError(`slice has ${points.length} points for ${specs.length} specs`);
  return toCsv(
    ['series', 'lambdaRequested', ...RESULT_COLUMNS],
    specs.map((s, k) => [
      s.series,
      s.lambda,
      ...resultRow({ sigmaW2: s.sigmaW2, depthToWidth: s.lambdaRealized, depth: s.depth, width }, points[k]),
    ]),
  );
}

/** The plane layer: one row per scheduled cell of every level (unfinished cells have empty numbers). */
export function layerCsvText(cells: readonly GdLayerCell[], points: readonly GdPoint[], width: number): string {
  if (cells.length !== points.length)
    throw new RangeError(`layer has ${points.length} points for ${cells.length} cells`);
  return toCsv(
    ['level', 'i', 'j', 'nx', 'ny', ...RESULT_COLUMNS],
    cells.map((c, k) => [
      c.level,
      c.i,
      c.j,
      c.nx,
      c.ny,
      ...resultRow({ sigmaW2: c.sigmaW2, depthToWidth: c.depthToWidth, depth: c.depth, width }, points[k]),
    ]),
  );
}

export interface GdExportInfo {
  plot: 'gd-step-slice' | 'gd-step-layer';
  version: string;
  width: number;
  alpha0: number;
  inputDim: number;
  controls: GdStepControls;
  quantity: GdQuantity;
  cursor: { sigmaW2: number; depthToWidth: number; depth: number };
  /** Slice: the series' σ_w² and λ values; layer: the grids. */
  layout: Record<string, unknown>;
  exportedAt?: string;
}

export function gdExportJson(p: GdExportInfo): string {
  const doc = {
    app: 'NTK Phase Lab',
    version: p.version,
    plot: p.plot,
    experiment: 'one GD step on a single sample (x, y), loss ½(f(x) − y)², all weights and biases trained',
    theory: 'seed 004 Thm 4.1 (limits only), App. A.3, App. B.3 (1/α²)',
    network: {
      activation: 'relu',
      parametrization: 'standard',
      sigmaB2: 0,
      width: p.width,
      alpha0: p.alpha0,
      inputDim: p.inputDim,
    },
    quantity: QUANTITY_LABEL[p.quantity],
    controls: p.controls,
    cursor: p.cursor,
    layout: p.layout,
    exportedAt: p.exportedAt ?? new Date().toISOString(),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** gd-step-slice-M200-a1.csv */
export function gdFileName(plot: GdExportInfo['plot'], width: number, alpha0: number, ext: string): string {
  return `ntk-${plot}-M${Number(width.toPrecision(6))}-a${Number(alpha0.toPrecision(6))}.${ext}`;
}
