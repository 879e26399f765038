// Seleznova & Kutyniok 2022 prediction at one point of the plane: E[Θ(x,x)] and the dispersion E[Θ²]/E[Θ]² at the
// network's
// finite width (Thm 3.2), in the λ = L/M limit (Thm 3.1), and exactly (the network's own law, relu-exact-moments.ts).
// Feeds `ntk-lab theory --json` and the UI readout.
import { describeZodError, networkSchema, phaseOf, type Phase } from '../params';
import { reluFiniteMomentsConstant } from './relu-finite';
import { limitDispersion } from './relu-limit';
import { reluExactMoments } from './relu-exact-moments';

export interface PointPrediction {
  phase: Phase;
  sigmaW2: number;
  depth: number;
  width: number;
  inputDim: number;
  /** λ = L/M of this network. */
  depthToWidth: number;
  /** α₀ = n₀/M of this network. */
  alpha0: number;
  /** E[Θ(x,x)] (eqs. 11 + 12); Infinity only where it exceeds float64. */
  meanTheta: number;
  /** ln E[Θ(x,x)], always finite. */
  logMeanTheta: number;
  dispersion: {
    /** Thm 3.2 (proof-consistent eq. 13) at this depth and width. */
    finite: number;
    /** Thm 3.1 at λ = L/M, α₀ = n₀/M. */
    limit: number;
    /** Exact E[Θ²]/E[Θ]² of the finite network (no truncated terms; docs/exact-moments.md). */
    exact: number;
  };
}

/** Predictions for a constant-width ReLU network (σ_b = 0, ‖x⁰‖ = 1). Bad parameters throw a RangeError. */
export function predictPoint(p: { sigmaW2: number; depth: number; width: number; inputDim: number }): PointPrediction {
  const parsed = networkSchema.safeParse(p);
  if (!parsed.success) throw new RangeError(describeZodError(parsed.error));
  const { sigmaW2, depth, width, inputDim } = parsed.data;
  const depthToWidth = depth / width;
  const alpha0 = inputDim / width;
  const m = reluFiniteMomentsConstant(sigmaW2, depth, width, inputDim);
  return {
    phase: phaseOf(sigmaW2),
    sigmaW2,
    depth,
    width,
    inputDim,
    depthToWidth,
    alpha0,
    meanTheta: m.meanTheta,
    logMeanTheta: m.logMeanTheta,
    dispersion: {
      finite: m.dispersion,
      limit: limitDispersion(sigmaW2, depthToWidth, alpha0),
      exact: reluExactMoments(sigmaW2, constantWidths(depth, width, inputDim)).dispersion,
    },
  };
}

/** [n₀, M, …, M]: the widths n₀ … n_{L−1} of a constant-width network of depth L. */
function constantWidths(depth: number, width: number, inputDim: number): Float64Array {
  const widths = new Float64Array(depth).fill(width);
  widths[0] = inputDim;
  return widths;
}
