// Pure logic of the "Freeze & chaos" tab (Jacot et al. 2019, "Freeze and Chaos for DNNs"): everything the tab draws,
// computed from one request so that a Web Worker can run it (the Chebyshev table of a φ without closed forms costs
// 0.3–1.6 s once per φ; after that a whole view takes milliseconds). No DOM here: unit-tested in Node.
import {
  circleMeanVartheta,
  DCNN_LR_SCALINGS,
  freezeChaosActivationNames,
  freezeChaosModel,
  ntkRecursion,
  thetaDiagonal,
  varthetaBounds,
  type FreezeChaosModel,
  type FreezeChaosPhase,
  type NonlinearityMode,
  type VarthetaBound,
} from '../../src-shared/theory/freeze-chaos/index';
import { criticalPoint } from '../../src-shared/theory/meanfield';
import { dcnnView, type DcnnRequest, type DcnnView } from './freeze-chaos-dcnn-view';

export { dcnnView, type BorderRow, type CheckerRow, type DcnnRequest, type DcnnView } from './freeze-chaos-dcnn-view';

export type PlaneColour = 'angle' | 'antipodal';

export interface FreezeChaosRequest {
  activation: string;
  nonlinearity: NonlinearityMode;
  beta: number;
  depth: number;
  /** ρ = cos∠(x, y) of the ϑ-vs-depth plot and the plane's 'angle' colouring. */
  cos: number;
  planeColour: PlaneColour;
  planeMaxDepth: number;
  dcnn: DcnnRequest;
  /** σ_b² shared with the Explore/Trainability tabs (for the β line ∩ χ₁ = 1 readout). */
  sharedSigmaB2: number;
  /** Add the Fig. 1 configurations (theory) to the circle and depth plots. */
  fig1: boolean;
}

export const DEFAULT_REQUEST: FreezeChaosRequest = {
  activation: 'relu',
  nonlinearity: 'standardized',
  beta: 0.5,
  depth: 6,
  cos: 0,
  planeColour: 'antipodal',
  planeMaxDepth: 40,
  dcnn: {
    stride: 2,
    window: 2,
    depth: 3,
    inputPositions: 4,
    periodic: false,
    inputCorrelation: 0,
    lrScaling: 'none',
    dims: 1,
  },
  sharedSigmaB2: 0,
  fig1: false,
};

export const FREEZE_CHAOS_LIMITS = {
  depth: { min: 1, max: 200 },
  planeMaxDepth: { min: 2, max: 200 },
  dcnnDepth: { min: 1, max: 5 },
  stride: { min: 1, max: 4 },
  window: { min: 1, max: 4 },
  inputPositions: { min: 1, max: 16 },
} as const;

export interface Summary {
  sigmaW2: number;
  sigmaB2: number;
  meanSlopeSquare: number;
  r: number;
  phase: FreezeChaosPhase;
  weaklyFrozen: boolean;
  betaStar: number | null;
  /** Θ∞(x,x) at depth L (null once it leaves float64). */
  thetaDiag: number | null;
  vartheta: number;
  dualMethod: string;
}

/** Badge text and the reason behind it. */
export function phaseBadge(s: Pick<Summary, 'phase' | 'weaklyFrozen' | 'r'>): { label: string; detail: string } {
  if (s.phase === 'edge') return { label: 'edge', detail: 'r = 1: the edge of chaos' };
  if (s.phase === 'chaos') return { label: 'chaos', detail: 'r > 1: ϑ → Kronecker δ with depth (Thm 2)' };
  if (s.weaklyFrozen) return { label: 'weakly frozen', detail: 'r < 1 and σ′ jumps: ϑ → 1 only at rate √r (Thm 3)' };
  return { label: 'freeze', detail: 'r < 1: ϑ → 1 like L·r^L (Thm 2)' };
}

/** β on the β line from σ_b² (σ_b² = β²). */
export function betaFromSigmaB2(sigmaB2: number): number {
  if (!(Number.isFinite(sigmaB2) && sigmaB2 >= 0 && sigmaB2 <= 1))
    throw new RangeError(`σ_b²: must be a number in [0, 1], got ${sigmaB2}`);
  return Math.sqrt(sigmaB2);
}

export function validateRequest(q: FreezeChaosRequest): void {
  if (!freezeChaosActivationNames().includes(q.activation))
    throw new RangeError(`activation: unknown activation ${JSON.stringify(q.activation)}`);
  if (!(Number.isFinite(q.beta) && q.beta >= 0 && q.beta <= 1))
    throw new RangeError(`β: must be a number in [0, 1], got ${q.beta}`);
  if (!(Number.isFinite(q.cos) && Math.abs(q.cos) <= 1)) throw new RangeError(`cos: must be in [−1, 1], got ${q.cos}`);
  const int = (v: number, name: string, lim: { min: number; max: number }) => {
    if (!(Number.isInteger(v) && v >= lim.min && v <= lim.max))
      throw new RangeError(`${name}: must be an integer in [${lim.min}, ${lim.max}], got ${v}`);
  };
  int(q.depth, 'depth L', FREEZE_CHAOS_LIMITS.depth);
  int(q.planeMaxDepth, 'plane depth', FREEZE_CHAOS_LIMITS.planeMaxDepth);
  int(q.dcnn.depth, 'DC-NN depth', FREEZE_CHAOS_LIMITS.dcnnDepth);
  int(q.dcnn.stride, 'stride s', FREEZE_CHAOS_LIMITS.stride);
  int(q.dcnn.window, 'window w', FREEZE_CHAOS_LIMITS.window);
  int(q.dcnn.inputPositions, 'input positions', FREEZE_CHAOS_LIMITS.inputPositions);
  if (!(Math.abs(q.dcnn.inputCorrelation) <= 1))
    throw new RangeError(`input correlation: must be in [−1, 1], got ${q.dcnn.inputCorrelation}`);
  if (q.dcnn.dims !== 1 && q.dcnn.dims !== 2) throw new RangeError(`dimensions: must be 1 or 2, got ${q.dcnn.dims}`);
  if (!(DCNN_LR_SCALINGS as readonly string[]).includes(q.dcnn.lrScaling))
    throw new RangeError(`learning rates: expected one of ${DCNN_LR_SCALINGS.join(', ')}, got ${q.dcnn.lrScaling}`);
}

function safeThetaDiag(r: number, depth: number): number | null {
  try {
    return thetaDiagonal(r, depth);
  } catch {
    return null;
  }
}

export function summarize(model: FreezeChaosModel, depth: number, cos: number): Summary {
  return {
    sigmaW2: model.sigmaW2,
    sigmaB2: model.sigmaB2,
    meanSlopeSquare: model.meanSlopeSquare,
    r: model.r,
    phase: model.phase,
    weaklyFrozen: model.weaklyFrozen,
    betaStar: model.betaStar,
    thetaDiag: safeThetaDiag(model.r, depth),
    vartheta: ntkRecursion(model, cos, depth).vartheta[depth - 1],
    dualMethod: model.dual.method,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Kernel on the circle (Fig. 1 left) and ϑ vs depth (Fig. 1 right)

export interface CircleRow {
  /** Angle γ ∈ [−π, π] between x₀ and x; ρ = cos γ. */
  gamma: number;
  vartheta: number;
  /** Θ^{(L)}(x₀, x) = ϑ·Θ(x,x); null when Θ(x,x) overflows. */
  theta: number | null;
  /** Thm 2/3 bounds on ϑ at this ρ (null at the edge). */
  lower: number | null;
  upper: number | null;
}

const CIRCLE_POINTS = 121;

export function kernelOnCircle(model: FreezeChaosModel, depth: number, points = CIRCLE_POINTS): CircleRow[] {
  const diag = safeThetaDiag(model.r, depth);
  const rows: CircleRow[] = [];
  for (let k = 0; k < points; k++) {
    const gamma = -Math.PI + (2 * Math.PI * k) / (points - 1);
    const cos = Math.max(-1, Math.min(1, Math.cos(gamma)));
    const b = varthetaBounds(model, cos, depth);
    const v = ntkRecursion(model, cos, depth).vartheta[depth - 1];
    rows.push({
      gamma,
      vartheta: v,
      theta: diag === null ? null : v * diag,
      lower: b ? b.lower[depth - 1] : null,
      upper: b ? b.upper[depth - 1] : null,
    });
  }
  return rows;
}

export interface DepthRow {
  depth: number;
  /** ϑ^{(ℓ)}(x, y) at the chosen ρ. */
  vartheta: number;
  /** Mean of ϑ^{(ℓ)}(x₀, ·) over the circle (Fig. 1 right). */
  circleMean: number;
  lower: number | null;
  upper: number | null;
}

export interface DepthCurve {
  rows: DepthRow[];
  theorem: VarthetaBound['theorem'] | null;
  /** The freeze constant C fitted over the depths drawn (the paper only says "∃ C"); null in chaos (explicit). */
  fittedConstant: number | null;
}

function varthetaVsDepth(model: FreezeChaosModel, cos: number, depth: number): DepthCurve {
  const rec = ntkRecursion(model, cos, depth);
  const mean = circleMeanVartheta(model, depth, 256);
  const b = varthetaBounds(model, cos, depth);
  const rows: DepthRow[] = [];
  for (let l = 1; l <= depth; l++)
    rows.push({
      depth: l,
      vartheta: rec.vartheta[l - 1],
      circleMean: mean[l - 1],
      lower: b ? b.lower[l - 1] : null,
      upper: b ? b.upper[l - 1] : null,
    });
  return { rows, theorem: b?.theorem ?? null, fittedConstant: b?.fittedConstant ?? null };
}

// ---------------------------------------------------------------------------------------------------------
// Fig. 1's configurations (theory): ReLU β = 0.5 (r = 0.75), ReLU β = 0.1 (r = 0.99), normalized ReLU with r = 1.2
// (β unstated in the paper: β = √(1 − 1.2/E[σ̇²]) ≈ 0.4266). The Batch Norm curve has no limit formula (measured only).

export interface Fig1Config {
  key: string;
  label: string;
  activation: string;
  nonlinearity: NonlinearityMode;
  beta: number;
}

/** β giving r = 1.2 for the normalized ReLU, E[σ̇²] = π/(π − 1). */
export const FIG1_NRELU_BETA = Math.sqrt(1 - (1.2 * (Math.PI - 1)) / Math.PI);

const FIG1_CONFIGS: readonly Fig1Config[] = [
  { key: 'relu-0.5', label: 'ReLU β = 0.5', activation: 'relu', nonlinearity: 'standardized', beta: 0.5 },
  { key: 'relu-0.1', label: 'ReLU β = 0.1', activation: 'relu', nonlinearity: 'standardized', beta: 0.1 },
  {
    key: 'nrelu-1.2',
    label: `normalized ReLU β = ${FIG1_NRELU_BETA.toFixed(4)}`,
    activation: 'relu',
    nonlinearity: 'normalized',
    beta: FIG1_NRELU_BETA,
  },
];

export interface Fig1Series {
  key: string;
  label: string;
  r: number;
  /** Θ^{(6)}(x₀, x) on the circle (null entries where it overflows: never for these r). */
  circle: { gamma: number; theta: number | null; vartheta: number }[];
  /** Mean ϑ over the circle at depths 1..maxDepth. */
  circleMean: number[];
}

const FIG1_DEPTH = 6;

function fig1Series(maxDepth: number): Fig1Series[] {
  return FIG1_CONFIGS.map((c) => {
    const model = freezeChaosModel({ activation: c.activation, beta: c.beta, nonlinearity: c.nonlinearity });
    return {
      key: c.key,
      label: c.label,
      r: model.r,
      circle: kernelOnCircle(model, FIG1_DEPTH).map((row) => ({
        gamma: row.gamma,
        theta: row.theta,
        vartheta: row.vartheta,
      })),
      circleMean: Array.from(circleMeanVartheta(model, maxDepth, 256)),
    };
  });
}

// ---------------------------------------------------------------------------------------------------------
// The (β, L) phase plane

export interface PhasePlaneGrid {
  betas: number[];
  depths: number[];
  /** Row-major, row = depth index, column = β index: ϑ^{(L)} at ρ (angle) or 1 − ϑ^{(L)}(x, −x) (antipodal). */
  values: Float64Array;
  colour: PlaneColour;
  cos: number;
  betaStar: number | null;
}

const PLANE_BETAS = 81;

export function phasePlane(
  activation: string,
  nonlinearity: NonlinearityMode,
  colour: PlaneColour,
  cos: number,
  maxDepth: number,
  betaCount = PLANE_BETAS,
): PhasePlaneGrid {
  const betas = Array.from({ length: betaCount }, (_, i) => i / (betaCount - 1));
  const depths = Array.from({ length: maxDepth }, (_, l) => l + 1);
  const values = new Float64Array(maxDepth * betaCount);
  const rho = colour === 'antipodal' ? -1 : cos;
  let betaStar: number | null = null;
  betas.forEach((beta, i) => {
    const model = freezeChaosModel({ activation, beta, nonlinearity });
    betaStar = model.betaStar;
    const v = ntkRecursion(model, rho, maxDepth).vartheta;
    for (let l = 0; l < maxDepth; l++) values[l * betaCount + i] = colour === 'antipodal' ? 1 - v[l] : v[l];
  });
  return { betas, depths, values, colour, cos: rho, betaStar };
}

// ---------------------------------------------------------------------------------------------------------
// The β line against the Explore plane's critical line χ₁ = 1 (shared φ and σ_b²)

export interface BetaLineCrossing {
  /** Only for the standardized φ: the raw-φ network is then the same network (σ_w² = (1 − β²)/E[φ²], q* = 1). */
  applicable: boolean;
  note: string;
  /** β*², the σ_b² where the β line crosses χ₁ = 1, and the raw-φ σ_w² there. */
  sigmaB2Star: number | null;
  sigmaW2Star: number | null;
  /** The mean-field critical σ_w² at σ_b² = β*² (an independent computation: should equal sigmaW2Star). */
  criticalAtStar: number | null;
  /** At the shared σ_b²: the β line's σ_w² and the Explore plane's critical σ_w². */
  sharedSigmaB2: number;
  betaLineSigmaW2: number | null;
  criticalAtShared: number | null;
}

export function betaLineCrossing(model: FreezeChaosModel, sharedSigmaB2: number): BetaLineCrossing {
  const eSq = model.nl.meanSquarePhi;
  const empty = {
    sigmaB2Star: null,
    sigmaW2Star: null,
    criticalAtStar: null,
    sharedSigmaB2,
    betaLineSigmaW2: null,
    criticalAtShared: null,
  };
  if (model.nonlinearity !== 'standardized')
    return {
      applicable: false,
      note: 'normalized φ is centred: not the raw φ of the Explore plane, so no common line',
      ...empty,
    };
  const crit = (b2: number) => {
    try {
      return criticalPoint(model.activation, b2).sigmaW2;
    } catch {
      return null;
    }
  };
  const bs = model.betaStar;
  // on the β line with raw φ: σ_w² E[φ(z)²] + σ_b² = 1 keeps q* = 1, and then χ₁ = σ_w²E[φ′²] = r
  const onLine = (b2: number) => (1 - b2) / eSq;
  const inRange = sharedSigmaB2 >= 0 && sharedSigmaB2 <= 1;
  const base = inRange ? { betaLineSigmaW2: onLine(sharedSigmaB2), criticalAtShared: crit(sharedSigmaB2) } : {};
  if (bs === null)
    return {
      applicable: true,
      note: 'E[σ̇²] < 1: the β line stays frozen and never meets χ₁ = 1',
      ...empty,
      ...base,
    };
  return {
    applicable: true,
    note: '',
    ...empty,
    ...base,
    sigmaB2Star: bs * bs,
    sigmaW2Star: onLine(bs * bs),
    criticalAtStar: crit(bs * bs),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The whole view

export interface FreezeChaosView {
  request: FreezeChaosRequest;
  summary: Summary;
  circle: CircleRow[];
  depth: DepthCurve;
  plane: PhasePlaneGrid;
  dcnn: DcnnView | null;
  dcnnError: string;
  crossing: BetaLineCrossing;
  fig1: Fig1Series[] | null;
  millis: number;
}

/** The theory worker's answer to one request (lib/freeze-chaos-worker.ts). */
export type FreezeChaosWorkerAnswer =
  { id: number; ok: true; view: FreezeChaosView } | { id: number; ok: false; error: string };

export function computeFreezeChaosView(q: FreezeChaosRequest, now: () => number = () => Date.now()): FreezeChaosView {
  const t0 = now();
  validateRequest(q);
  const model = freezeChaosModel({ activation: q.activation, beta: q.beta, nonlinearity: q.nonlinearity });
  const maxDepth = Math.max(q.depth, 20);
  let dcnn: DcnnView | null = null;
  let dcnnError = '';
  try {
    dcnn = dcnnView(model, q.dcnn);
  } catch (err) {
    dcnnError = err instanceof Error ? err.message : String(err);
  }
  return {
    request: q,
    summary: summarize(model, q.depth, q.cos),
    circle: kernelOnCircle(model, q.depth),
    depth: varthetaVsDepth(model, q.cos, maxDepth),
    plane: phasePlane(q.activation, q.nonlinearity, q.planeColour, q.cos, q.planeMaxDepth),
    dcnn,
    dcnnError,
    crossing: betaLineCrossing(model, q.sharedSigmaB2),
    fig1: q.fig1 ? fig1Series(maxDepth) : null,
    millis: now() - t0,
  };
}
