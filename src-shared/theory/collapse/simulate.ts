// The collapse simulator: integrate the block-structured gradient flow (Seleznova et al. 2023, Theorem 4.1,
// eq. 19) from a random or an aligned start and trace the invariant E (eq. 26) and the NC metrics. The integrator
// is Hairer & Wanner's ODEX (Gragg–Bulirsch–Stoer extrapolation, orders up to 18, the `odex` package): high order
// at tight tolerance, so the conserved E shows the integration error, not the scheme's. It integrates the reduced
// coordinates of Theorem 5.1 (reduced-flow.ts): the flow is stiff from a random start (spectral radius of the
// Jacobian ≈ 130 at C = 4, m = 6, n = 8; ~10⁴ stability-limited steps whatever the tolerance), so the cost is the
// derivative's, which the reduction cuts by about half.
import { Outcome, Solver } from 'odex';
import {
  collapseSimParamsSchema,
  type CollapseSimParams,
  type CollapseSimParamsInput,
  type CollapseSimResult,
  type CollapseTracePoint,
} from '../../contract/collapse-sim';
import { Rng } from '../../rng';
import {
  blockEigen,
  featureMoments,
  invariant,
  invariantFeatureTerm,
  stateLayout,
  type StateLayout,
} from './block-dynamics';
import { collapseMetrics, frobeniusDistance } from './metrics';
import { expandState, reduceState, reducedDerivative, reducedInvariant } from './reduced-flow';

/** Relative and absolute tolerance of ODEX: the invariant then drifts by ~1e-11 over t ∈ [0, 400]. */
const COLLAPSE_TOLERANCE = 1e-12;
/** A state component beyond this means the flow diverged (it is not block-structured gradient flow any more). */
const DIVERGED = 1e100;
const MAX_STEPS = 2_000_000;

/** Cholesky factor L (lower, row-major) of a symmetric positive definite k×k matrix; null if not PD. */
function cholesky(S: Float64Array, k: number): Float64Array | null {
  const Lc = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j <= i; j++) {
      let s = S[i * k + j];
      for (let p = 0; p < j; p++) s -= Lc[i * k + p] * Lc[j * k + p];
      if (i === j) {
        if (!(s > 0)) return null;
        Lc[i * k + i] = Math.sqrt(s);
      } else Lc[i * k + j] = s / Lc[j * k + j];
    }
  return Lc;
}

/** n×k matrix (row-major) with orthonormal columns: Gram–Schmidt (twice, for float64 orthogonality) of Gaussians. */
function orthonormalColumns(n: number, k: number, rng: Rng): Float64Array {
  const U = new Float64Array(n * k);
  rng.fillNormal(U);
  for (let c = 0; c < k; c++)
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < c; p++) {
        let dot = 0;
        for (let f = 0; f < n; f++) dot += U[f * k + c] * U[f * k + p];
        for (let f = 0; f < n; f++) U[f * k + c] -= dot * U[f * k + p];
      }
      let norm = 0;
      for (let f = 0; f < n; f++) norm += U[f * k + c] ** 2;
      norm = Math.sqrt(norm);
      for (let f = 0; f < n; f++) U[f * k + c] /= norm;
    }
  return U;
}

/**
 * Random start: features h_i ~ N(0, I_n), classifier W_ij ~ N(0, 1/n), b = 0. E(0) ≠ 0 almost surely, so
 * Theorem 5.2 does not apply.
 */
function randomStart(L: StateLayout, rng: Rng): Float64Array {
  const y = new Float64Array(L.size);
  for (let i = 0; i < L.n * L.N; i++) y[i] = rng.normal();
  for (let i = 0; i < L.C * L.n; i++) y[L.wAt + i] = rng.normal() / Math.sqrt(L.n);
  return y;
}

/**
 * Aligned start (Theorem 5.2's assumptions): features h_i = U z_i in a C-dimensional subspace U, globally centred
 * (⟨h⟩ = 0), b = 1/C, and W = √m·Lᵀ Uᵀ with L Lᵀ = Uᵀ A U, A the invariant's feature term, so that (1/m)WᵀW = A and
 * E = 0 (eq. 26). WᵀW has rank ≤ C, which is why the features must span only C dimensions.
 */
function alignedStart(L: StateLayout, eig: ReturnType<typeof blockEigen>, rng: Rng): Float64Array {
  const { n, N, C, m, wAt, bAt } = L;
  const U = orthonormalColumns(n, C, rng);
  const Z = new Float64Array(C * N);
  rng.fillNormal(Z);
  for (let a = 0; a < C; a++) {
    let mean = 0;
    for (let i = 0; i < N; i++) mean += Z[a * N + i] / N;
    for (let i = 0; i < N; i++) Z[a * N + i] -= mean;
  }
  const y = new Float64Array(L.size);
  for (let f = 0; f < n; f++)
    for (let i = 0; i < N; i++) {
      let v = 0;
      for (let a = 0; a < C; a++) v += U[f * C + a] * Z[a * N + i];
      y[f * N + i] = v;
    }
  const { H1, H2H2t } = featureMoments(y, L);
  const A = invariantFeatureTerm(H1, H2H2t, eig, L);
  const S = new Float64Array(C * C);
  for (let a = 0; a < C; a++)
    for (let b = 0; b < C; b++) {
      let v = 0;
      for (let f = 0; f < n; f++) for (let g = 0; g < n; g++) v += U[f * C + a] * A[f * n + g] * U[g * C + b];
      S[a * C + b] = v;
    }
  const Lc = cholesky(S, C);
  if (!Lc) throw new RangeError('aligned start: the sampled class structure is degenerate (try another seed)');
  // W = √m Lᵀ Uᵀ: W[c, f] = √m Σ_a L[a, c] U[f, a]
  for (let c = 0; c < C; c++)
    for (let f = 0; f < n; f++) {
      let v = 0;
      for (let a = c; a < C; a++) v += Lc[a * C + c] * U[f * C + a];
      y[wAt + c * n + f] = Math.sqrt(m) * v;
    }
  for (let c = 0; c < C; c++) y[bAt + c] = 1 / C;
  return y;
}

/** Trace times: t = 0, then `points − 1` times log-spaced from tMax·10⁻⁴ to tMax. */
export function traceTimes(tMax: number, points: number): number[] {
  const times = [0];
  const t0 = tMax * 1e-4;
  for (let k = 0; k < points - 1; k++) times.push(points === 2 ? tMax : t0 * (tMax / t0) ** (k / (points - 2)));
  times[times.length - 1] = tMax;
  return times;
}

/**
 * Integrate the flow. Throws RangeError (naming the field) for parameters that are not block-structured or too
 * large, and Error when the flow diverges or the integrator gives up.
 */
export function simulateCollapse(input: CollapseSimParamsInput): CollapseSimResult {
  const parsed = collapseSimParamsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RangeError(`${issue.path.join('.') || 'params'}: ${issue.message}`);
  }
  return simulateCollapseParsed(parsed.data);
}

/** simulateCollapse for parameters already validated by collapseSimParamsSchema. */
export function simulateCollapseParsed(p: CollapseSimParams): CollapseSimResult {
  const kernel = { kappaD: p.kappaD, kappaC: p.kappaC, kappaN: p.kappaN };
  const sizes = { classes: p.classes, perClass: p.perClass, features: p.features };
  const L = stateLayout(sizes);
  const eig = blockEigen(kernel, sizes);
  const rng = new Rng(p.seed, 0);
  let y: Float64Array = p.init === 'aligned' ? alignedStart(L, eig, rng) : randomStart(L, rng);
  const E0 = invariant(y, eig, L);

  let drift = 0;
  const point = (t: number, state: ArrayLike<number>): CollapseTracePoint => {
    const mt = collapseMetrics(state, eig, L);
    return { t, ...mt, invariantDrift: drift };
  };
  // Integrate the reduced coordinates of Theorem 5.1 (reduced-flow.ts): the same flow with n(2C + r) + C unknowns
  // instead of nN + C(n + 1); the full state is rebuilt for the invariant and the metrics.
  const reduced = reduceState(y, L);
  const R = reduced.layout;
  const solver = new Solver(R.size);
  solver.relativeTolerance = COLLAPSE_TOLERANCE;
  solver.absoluteTolerance = COLLAPSE_TOLERANCE;
  solver.maxSteps = MAX_STEPS;
  const derivative = reducedDerivative(kernel, R);
  // ODEX copies the returned derivative into its own arrays (reading only length and [i]), so one Float64Array serves
  // every call: the derivative writes unboxed doubles
  const dz = new Float64Array(R.size);
  const f = (_t: number, state: number[]): number[] => {
    derivative(state, dz);
    return dz as unknown as number[];
  };
  const Et = new Float64Array(L.n * L.n);
  let diverged: number | null = null;
  const watch = (_n: number, _xOld: number, t: number, state: number[]): boolean => {
    for (let i = 0; i < state.length; i++) {
      if (!(Math.abs(state[i]) < DIVERGED)) {
        diverged = t;
        return false;
      }
    }
    drift = Math.max(drift, frobeniusDistance(reducedInvariant(state, eig, R, Et), E0));
    return true;
  };

  // One solve per trace interval, each starting with the last accepted step size (ODEX's dense output would cost
  // more than these restarts: its interpolation is prepared at every step).
  const times = traceTimes(p.tMax, p.tracePoints);
  const trace: CollapseTracePoint[] = [point(0, y)];
  let z: Float64Array = reduced.z;
  let lastStep = 1e-4,
    steps = 0,
    rejected = 0,
    evaluations = 0;
  const watchStep: typeof watch = (n, xOld, t, state) => {
    if (t > xOld) lastStep = t - xOld;
    return watch(n, xOld, t, state);
  };
  for (let k = 1; k < times.length; k++) {
    solver.initialStepSize = lastStep;
    const r = solver.solve(f, times[k - 1], Array.from(z), times[k], watchStep);
    steps += r.nAccept;
    rejected += r.nReject;
    evaluations += r.nEval;
    if (diverged !== null) {
      throw new Error(`the flow diverged at t ≈ ${(diverged as number).toPrecision(3)} (a state value passed 1e100)`);
    }
    if (r.outcome !== Outcome.Converged) {
      throw new Error(`the integrator stopped at t = ${r.xEnd.toPrecision(4)} (${Outcome[r.outcome]})`);
    }
    z = Float64Array.from(r.y);
    y = expandState(z, R, reduced.V, L);
    trace.push(point(times[k], y));
  }
  return {
    ...p,
    eigenvalues: { single: eig.single, class: eig.class, global: eig.global },
    alpha: eig.alpha,
    invariantNorm0: Math.hypot(...E0),
    final: trace[trace.length - 1],
    trace,
    integrator: {
      method: 'ODEX (Gragg–Bulirsch–Stoer extrapolation, Hairer & Wanner) on the reduced coordinates of Theorem 5.1',
      tolerance: COLLAPSE_TOLERANCE,
      steps,
      rejected,
      evaluations,
    },
  };
}
