// Pure logic of the "First GD step" tab (Seleznova & Kutyniok 2022, Thm 4.1 / App. A.3; issue 4 item 5): the job
// parameters from the tab's controls, the plotted quantity and the readout's words about the theory. No DOM, no lab:
// GdStepPanel.svelte and the plots draw what these return; gd-step-jobs.ts runs the jobs, gd-step-plots.ts lays out
// the slices and the plane layer, gd-step-export.ts writes the CSV/JSON.
import {
  gdStepParamsSchema,
  type GdStepMethod,
  type GdStepParamsInput,
  type GdStepResult,
  type LogEstimate,
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
import { GD_SLICE_POLICY, nextSampleCount, pointTrust, type PointTrust } from '../../src-shared/stats/adaptive-samples';
import { formatLogEstimate, saturatedEstimate } from '../../src-shared/stats/log-space';
import { formatEstimate, formatInteger } from './format';
import type { GdTarget } from './gd-step-jobs';
import { depthFromLambda } from './plane';

// ---------------------------------------------------------------------------------------------------------
// Controls → job parameters

/**
 * η as typed, or η₀·a^{−L}: the scaling under which the chaotic limit stays finite (Seleznova & Kutyniok 2022, App.
 * A.3).
 */
export type LrScaling = 'fixed' | 'a-pow-minus-L';

export interface GdStepControls {
  /** η (or η₀ when lrScaling is 'a-pow-minus-L'). */
  lr: number;
  lrScaling: LrScaling;
  /** y of the single training sample (∂L/∂f = f − y, Seleznova & Kutyniok 2022, App. A.3). */
  target: number;
  /** Lazy-training rescale α (Seleznova & Kutyniok 2022, App. B.3: relative change ∝ 1/α²). */
  scale: number;
  /** ‖x‖ (Seleznova & Kutyniok 2022 normalizes to 1). */
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

/** The network a job runs: Seleznova & Kutyniok's FC ReLU net (σ_b = 0), L weight layers of width M, n₀ inputs. */
export interface GdStepNet {
  sigmaW2: number;
  depth: number;
  width: number;
  inputDim: number;
}

/**
 * η as typed, or η₀·a^{−L} (Seleznova & Kutyniok 2022, App. A.3; the factor from the theory module, applied in log
 * space: a^L overflows).
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

/** The quantity's log form, present where Θ′ left float64 (quantityOf's value is then saturated). */
export function logQuantityOf(r: GdStepResult, q: GdQuantity): LogEstimate | undefined {
  return q === 'abs' ? r.logAbsRelativeChange : r.logRelativeChange;
}

/** log₁₀ of the quantity's |estimate| (from its log form where it has one); NaN for 0 or a non-finite value. */
export function log10Of(r: GdStepResult, q: GdQuantity): number {
  const l = logQuantityOf(r, q);
  if (l) return l.sign !== 0 && Number.isFinite(l.logAbs) ? l.logAbs / Math.LN10 : Number.NaN;
  const e = quantityOf(r, q).estimate;
  return Number.isFinite(e) && e !== 0 ? Math.log10(Math.abs(e)) : Number.NaN;
}

export { formatLogEstimate };

/**
 * The quantity as text: its log form (formatLogEstimate) where the plain value or its SE saturated at float64's
 * largest number, else value ± SE (a result with a log form can still hold an ordinary ratio, e.g. when only Θ left
 * float64).
 */
export function formatQuantity(r: GdStepResult, q: GdQuantity): string {
  return withLog(quantityOf(r, q), logQuantityOf(r, q));
}

/** The off-diagonal Θ(x, x̃) quantity as text, like formatQuantity; '—' for a result without a second input. */
export function formatOffQuantity(r: GdStepResult, q: GdQuantity): string {
  const o = r.offDiagonal;
  if (!o) return '—';
  return q === 'abs'
    ? withLog(o.absRelativeChange, o.logAbsRelativeChange)
    : withLog(o.relativeChange, o.logRelativeChange);
}

const withLog = (e: Estimate, l: LogEstimate | undefined) =>
  l && saturatedEstimate(e) ? formatLogEstimate(l) : formatEstimate(e.estimate, e.stderr);

/** E[Θ(x, x)] before the step as text: its log form where Θ itself left float64 (meanTheta then saturates). */
export function formatMeanTheta(r: GdStepResult): string {
  const l = r.logMeanTheta;
  return withLog(r.meanTheta, l && { logAbs: l.logMean, sign: 1, relStderr: l.relStderr });
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
  const l = logQuantityOf(r, q);
  if (l) return !(l.relStderr < 1) ? 'noisy' : l.sign < 0 ? 'negative' : null;
  if (!(Number.isFinite(e.estimate) && Number.isFinite(e.stderr)) || e.stderr >= Math.abs(e.estimate)) return 'noisy';
  if (e.estimate < 0) return 'negative';
  return null;
}

/**
 * Whether a point's value and SE can be read as precise (adaptive-samples.ts): 'heavy-tail' (a few networks carry
 * Σ ΔΘ²: the SE is not trusted and the mean may be biased low), 'below-resolution' (|value| at float64 rounding of
 * Θ′ − Θ), 'imprecise' (SE/|value| above the slice's target), or null.
 */
export function trustOf(r: GdStepResult, q: GdQuantity): PointTrust {
  return pointTrust({ samples: r.samples, ...relativeEstimate(r, q), tailShare: r.tailShare }, GD_SLICE_POLICY);
}

/**
 * The quantity for judging its precision: itself, or, where it has a log form (its plain value saturated), ±1 with
 * the relative SE, the only scale-free part a policy reads.
 */
function relativeEstimate(r: GdStepResult, q: GdQuantity): Estimate {
  const l = logQuantityOf(r, q);
  return l && l.sign !== 0 ? { estimate: l.sign, stderr: l.relStderr } : quantityOf(r, q);
}

/**
 * The slice's sampling policy (GdStepGroup's refine): how many networks to run a finished point again with, judged
 * on E[|ΔΘ|]/E[Θ] (the log plots' quantity), or null once it is precise or at the cap.
 */
export function sliceRefine(r: GdStepResult): number | null {
  if (r.samples < 3) return null;
  return nextSampleCount(
    { samples: r.samples, ...relativeEstimate(r, 'abs'), tailShare: r.tailShare },
    GD_SLICE_POLICY,
  );
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
  /** The limit (0 or ∞) when the text proves one; null at the EOC (not stated in Seleznova & Kutyniok 2022). */
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
    let v: number;
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

/**
 * The lazy-training control (Seleznova & Kutyniok 2022, App. B.3): the measured change at α should be 1/α² times the
 * one at α = 1.
 */
export function lazyScaleNote(scale: number): string {
  if (scale === 1) return '';
  return `α = ${scale}: App. B.3 predicts the relative change ÷ α² = ÷ ${Number((scale * scale).toPrecision(4))} (compare with α = 1)`;
}
