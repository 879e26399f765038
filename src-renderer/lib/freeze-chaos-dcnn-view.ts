// The deconvolution part of the "Freeze & chaos" tab (Jacot et al. 2019, Sec. 4.2, 6; App. E–H): the checkerboard
// ϑ_{p,p+d} vs offset with Thm 4's bound (Prop. 7's with the App. F.1 learning rates), and the border effects of the
// classic parametrization against the parent-based one (Prop. 2). Pure: unit-tested in Node, run in the tab's worker.
import {
  checkerboardProfile,
  dcnnKernels,
  dcnnLayerSizes,
  dcnnLearningRates,
  stationaryInputGram,
  type DcnnLrScaling,
  type DcnnParametrization,
  type FreezeChaosModel,
} from '../../src-shared/theory/freeze-chaos/index';
import { dcnn2dView } from './freeze-chaos-dcnn2d-view';

export interface DcnnRequest {
  stride: number;
  window: number;
  depth: number;
  inputPositions: number;
  periodic: boolean;
  /** Cosine x_qᵀx_{q′}/n₀ between different input positions (stationary input; x = y). */
  inputCorrelation: number;
  /** Layer-dependent learning rates (Sec. 6.1 / App. F.1); they change Θ (and ϑ), never Σ. */
  lrScaling: DcnnLrScaling;
  /** 1-D, or 2-D (stride, window and |I₀| in both dimensions; freeze-chaos-dcnn2d-view.ts). */
  dims: 1 | 2;
}

export interface CheckerRow {
  offset: number;
  vartheta: number;
  valuation: number;
  /** Thm 4's upper bound, or Prop. 7's with the App. F.1 rates (freeze only). */
  upper: number | null;
}

export interface BorderRow {
  position: number;
  /** Θ^{(L)}_{pp}(x,x) with the classic (√(n_ℓ w)) and the parent-based (√(n_ℓ|P(p)|)) divisor; null: none. */
  classic: number | null;
  parent: number | null;
}

export interface DcnnView {
  positions: number;
  layerSizes: number[];
  checker: CheckerRow[];
  /** 2-D only: ϑ along the diagonal p + (d, d) (checker holds p + (d, 0)). */
  diagonal?: CheckerRow[];
  /** Parametrization of the checkerboard profile: parent-based (Sec. 6) unless periodic. */
  parametrization: DcnnParametrization;
  border: BorderRow[];
  /** Why the classic border curve is missing (off the unit sphere with no closed form), or ''. */
  borderNote: string;
  /** Θ_pp with the parent-based parametrization (Prop. 2): Σ_ℓ η_ℓ r^{L−ℓ} (η = 1 without layer rates). */
  fcDiag: number;
  /** Which bound `upper` holds: Thm 4, Prop. 7 (App. F.1 rates), or none. */
  boundSource: 'thm4' | 'prop7' | null;
  /** √S·r (S = s^d): with the App. F.1 rates checkerboard correlations vanish once it exceeds 1 (Prop. 7). */
  sqrtSr: number;
}

export function dcnnView(model: FreezeChaosModel, q: DcnnRequest): DcnnView {
  if (q.dims === 2) return dcnn2dView(model, q);
  const base = {
    stride: q.stride,
    window: q.window,
    depth: q.depth,
    inputPositions: q.inputPositions,
    lrScaling: q.lrScaling,
  };
  const spec = { ...base, parametrization: 'parent' as const, periodic: q.periodic };
  const sizes = dcnnLayerSizes(spec);
  const gram = stationaryInputGram(q.inputPositions, 1, q.inputCorrelation);
  const m = sizes[sizes.length - 1];
  const maxOffset = Math.min(Math.floor(m / 2), m - 1 - Math.floor(m / 2), 40);
  const prof = checkerboardProfile(model, spec, gram, maxOffset);
  const checker: CheckerRow[] = Array.from(prof.offsets, (d, i) => ({
    offset: d,
    vartheta: prof.vartheta[i],
    valuation: prof.valuation[i],
    upper: prof.upperBound ? prof.upperBound[i] : null,
  }));
  const parent = dcnnKernels(model, { ...base, parametrization: 'parent', periodic: q.periodic }, gram).thetaDiagX;
  let classic: Float64Array | null = null;
  let borderNote = '';
  try {
    classic = dcnnKernels(model, { ...base, parametrization: 'classic', periodic: q.periodic }, gram).thetaDiagX;
  } catch (err) {
    borderNote = err instanceof Error ? err.message : String(err);
  }
  const border = Array.from(parent, (p, i) => ({ position: i, classic: classic ? classic[i] : null, parent: p }));
  return {
    positions: m,
    layerSizes: sizes,
    checker,
    parametrization: 'parent',
    border,
    borderNote,
    fcDiag: parentDiag(model, q),
    boundSource: prof.boundSource,
    sqrtSr: Math.sqrt(q.stride) * model.r,
  };
}

/** Prop. 2 (with layer rates): Θ_pp = Σ_k (η_W(k)(1 − β²) + η_b(k)β²) r^{L−k} (Σ^{(k)} = 1, split 1 − β², β²). */
function parentDiag(model: FreezeChaosModel, q: DcnnRequest): number {
  const eta = dcnnLearningRates(q.lrScaling, q.stride, q.depth);
  const b2 = model.beta * model.beta;
  let theta = 0;
  for (let k = 1; k <= q.depth; k++) theta = theta * model.r + eta.biases[k] * b2 + eta.weights[k] * (1 - b2);
  return theta;
}
