// The collapse simulator: integrate the block-structured gradient flow (Seleznova et al. 2023, Theorem 4.1,
// eq. 19) from a random or an aligned start and trace the invariant E (eq. 26) and the NC metrics, on the reduced
// coordinates of Theorem 5.1 (reduced-flow.ts). The flow is stiff (spectral radius of the Jacobian ≈ 130 at C = 4,
// m = 6, n = 8, from a random start) and slow late in training (power-law decay), so an explicit method is held to
// ~10⁴ stability-limited steps over t ∈ [0, 400] whatever its tolerance. The default integrator is therefore
// Rodas5P (rosenbrock.ts), linearly implicit with the exact Jacobian (reduced-jacobian.ts), whose steps follow the
// solution (≈ 500); Hairer & Wanner's ODEX (Gragg–Bulirsch–Stoer extrapolation, the `odex` package) integrates
// sizes whose dense linear algebra would cost more than its explicit steps, and serves as the reference in tests.
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
  type BlockKernel,
  type StateLayout,
} from './block-dynamics';
import { collapseMetrics, frobeniusDistance } from './metrics';
import { ReducedLinearSystem } from './reduced-jacobian';
import { expandState, reduceState, reducedDerivative, reducedInvariant, type ReducedLayout } from './reduced-flow';
import { Rodas5P } from './rosenbrock';

/** Relative and absolute tolerance of ODEX: the invariant then drifts by ~1e-11 over t ∈ [0, 400]. */
const COLLAPSE_TOLERANCE = 1e-12;
/**
 * Tolerance of Rodas5P's local error estimate (order 4, so ~10× tighter in effect): the invariant drifts by
 * ~6e-10 over t ∈ [0, 400] from the random start (C = 4, m = 6, n = 8), ~2e-8 at tolerance 1e-9.
 */
const ROSENBROCK_TOLERANCE = 1e-10;
/**
 * Rodas5P factors a dense (2nC + C)-square Schur complement at every step (~(2nC + C)³/3 multiply-adds); ODEX's work
 * per step grows only linearly with the state, but its step count with the stiffness (∝ m). Side by side over
 * t ∈ [0, 400] from a random start at m = 6 (one run each, on a loaded machine), Rodas5P was faster at 68, 100 and
 * 126 unknowns (2.4–5×) and slower at 132, 196 and 246 (1.5–2×); at m = 20 it was 21× faster at 123. Up to 128
 * unknowns 'auto' takes Rodas5P; beyond, it starts with ODEX and switches (see switchingStepper).
 */
const MAX_ROSENBROCK_UNKNOWNS = 128;
/** Rodas5P's accepted steps over a run: ~300–930 measured whatever tMax (they follow log t, as the trace does). */
const ROSENBROCK_RUN_STEPS = 600;
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
 * Which integrator runs: 'auto' picks Rodas5P up to MAX_ROSENBROCK_UNKNOWNS Schur unknowns, else ODEX until its work
 * passes a whole Rodas5P run's, then Rodas5P; `{ switchAfter }` is ODEX until `switchAfter` multiply-adds of
 * derivatives, then Rodas5P (whatever the size).
 */
export type CollapseIntegratorChoice = 'auto' | 'rodas5p' | 'odex' | { switchAfter: number };

/**
 * Integrate the flow. Throws RangeError (naming the field) for parameters that are not block-structured or too
 * large, and Error when the flow diverges or the integrator gives up.
 */
export function simulateCollapse(
  input: CollapseSimParamsInput,
  integrator?: CollapseIntegratorChoice,
): CollapseSimResult {
  const parsed = collapseSimParamsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RangeError(`${issue.path.join('.') || 'params'}: ${issue.message}`);
  }
  return simulateCollapseParsed(parsed.data, integrator);
}

type IntegratorInfo = CollapseSimResult['integrator'];

/** Advances the reduced state over one trace interval; `watch` sees every accepted step and may stop it. */
interface Stepper {
  advance(z: Float64Array, t0: number, t1: number, watch: (t: number, z: ArrayLike<number>) => boolean): void;
  info: IntegratorInfo;
}

function stopped(t: number, why: string): Error {
  return new Error(`the integrator stopped at t = ${t.toPrecision(4)} (${why})`);
}

function diverged(t: number, why: string): Error {
  return new Error(`the flow diverged at t ≈ ${t.toPrecision(3)} (${why})`);
}

function rosenbrockStepper(kernel: BlockKernel, R: ReducedLayout): Stepper {
  const solver = new Rodas5P(R.size, reducedDerivative(kernel, R), new ReducedLinearSystem(kernel, R), {
    tolerance: ROSENBROCK_TOLERANCE,
    maxSteps: MAX_STEPS,
  });
  const info: IntegratorInfo = {
    method:
      'Rodas5P (Rosenbrock–Wanner, order 5(4), L-stable; Steinebach 2023) with the exact Jacobian, on the reduced ' +
      'coordinates of Theorem 5.1',
    tolerance: ROSENBROCK_TOLERANCE,
    steps: 0,
    rejected: 0,
    evaluations: 0,
    jacobians: 0,
    factorizations: 0,
  };
  let h = 1e-4;
  return {
    info,
    advance(z, t0, t1, watch) {
      const r = solver.integrate(t0, z, t1, h, watch);
      h = r.nextStep;
      info.steps += r.steps;
      info.rejected += r.rejected;
      info.evaluations += r.evaluations;
      info.jacobians = (info.jacobians ?? 0) + r.jacobians;
      info.factorizations = (info.factorizations ?? 0) + r.factorizations;
      if (r.outcome === 'non-finite') throw diverged(r.t, 'the derivative overflowed to a non-finite value');
      if (r.outcome !== 'done' && r.outcome !== 'stopped') throw stopped(r.t, r.outcome);
    },
  };
}

function odexStepper(kernel: BlockKernel, R: ReducedLayout): Stepper {
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
  const info: IntegratorInfo = {
    method: 'ODEX (Gragg–Bulirsch–Stoer extrapolation, Hairer & Wanner) on the reduced coordinates of Theorem 5.1',
    tolerance: COLLAPSE_TOLERANCE,
    steps: 0,
    rejected: 0,
    evaluations: 0,
  };
  let lastStep = 1e-4;
  // One solve per trace interval, each starting with the last accepted step size (ODEX's dense output would cost
  // more than these restarts: its interpolation is prepared at every step).
  return {
    info,
    advance(z, t0, t1, watch) {
      let going = true;
      solver.initialStepSize = lastStep;
      const r = solver.solve(f, t0, Array.from(z), t1, (_n, xOld, t, state) => {
        if (t > xOld) lastStep = t - xOld;
        return (going = watch(t, state));
      });
      info.steps += r.nAccept;
      info.rejected += r.nReject;
      info.evaluations += r.nEval;
      if (going && r.outcome !== Outcome.Converged) throw stopped(r.xEnd, Outcome[r.outcome]);
      z.set(r.y);
    },
  };
}

/** Multiply-adds of one reduced derivative (reduced-flow.ts) and of one Rodas5P step (LU, 8 solves, 8 derivatives). */
function workPerCall(R: ReducedLayout): { derivative: number; rosenbrockStep: number } {
  const { n, C, r, kAt: p } = R;
  const derivative = 3 * C * (n * C + n * r);
  return { derivative, rosenbrockStep: p ** 3 / 3 + 8 * (p * p + 2 * n * n * r + derivative) };
}

/**
 * ODEX first, Rodas5P once ODEX's work passes what a whole Rodas5P run would cost (switching at a trace time): when
 * the flow is mildly stiff or the run short, ODEX finishes first; when it is stiff, the run costs at most about twice
 * the cheaper integrator's (the ski-rental rule), without predicting the stiffness.
 */
function switchingStepper(kernel: BlockKernel, R: ReducedLayout, budget: number): Stepper {
  const explicit = odexStepper(kernel, R);
  const work = workPerCall(R);
  let implicit: Stepper | null = null,
    switchedAt = 0;
  return {
    get info(): IntegratorInfo {
      if (!implicit) return explicit.info;
      const a = explicit.info,
        b = implicit.info;
      return {
        ...b,
        method: `${a.method} (tolerance ${a.tolerance}) up to t = ${switchedAt.toPrecision(4)}, then ${b.method}`,
        steps: a.steps + b.steps,
        rejected: a.rejected + b.rejected,
        evaluations: a.evaluations + b.evaluations,
      };
    },
    advance(z, t0, t1, watch) {
      if (!implicit && explicit.info.evaluations * work.derivative > budget) {
        implicit = rosenbrockStepper(kernel, R);
        switchedAt = t0;
      }
      (implicit ?? explicit).advance(z, t0, t1, watch);
    },
  };
}

/** simulateCollapse for parameters already validated by collapseSimParamsSchema. */
export function simulateCollapseParsed(
  p: CollapseSimParams,
  integrator: CollapseIntegratorChoice = 'auto',
): CollapseSimResult {
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
  const stepper =
    integrator === 'rodas5p' || (integrator === 'auto' && R.kAt <= MAX_ROSENBROCK_UNKNOWNS)
      ? rosenbrockStepper(kernel, R)
      : integrator === 'odex'
        ? odexStepper(kernel, R)
        : integrator === 'auto'
          ? switchingStepper(kernel, R, ROSENBROCK_RUN_STEPS * workPerCall(R).rosenbrockStep)
          : switchingStepper(kernel, R, integrator.switchAfter);
  const Et = new Float64Array(L.n * L.n);
  let divergedAt: number | null = null;
  const watch = (t: number, state: ArrayLike<number>): boolean => {
    for (let i = 0; i < state.length; i++) {
      if (!(Math.abs(state[i]) < DIVERGED)) {
        divergedAt = t;
        return false;
      }
    }
    drift = Math.max(drift, frobeniusDistance(reducedInvariant(state, eig, R, Et), E0));
    return true;
  };

  const times = traceTimes(p.tMax, p.tracePoints);
  const trace: CollapseTracePoint[] = [point(0, y)];
  const z = Float64Array.from(reduced.z);
  for (let k = 1; k < times.length; k++) {
    stepper.advance(z, times[k - 1], times[k], watch);
    if (divergedAt !== null) throw diverged(divergedAt as number, 'a state value passed 1e100');
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
    integrator: stepper.info,
  };
}
