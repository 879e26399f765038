// The DKS activation transform (Martens et al. 2021 (DKS), Sec. 18): φ̂(u) = γ(φ(αu + β) + δ) with the four local
// conditions of Sec. 17.3 — Q(1) = 1, Q′(1) = 1, C(0) = 0, C′(1) = ψ = μ⁻¹(ζ). By Sec. 18.4, at given (α, β):
//   δ = −E[φ(αx + β)]                          (C(0) = 0, eq. (14))
//   γ = Var[φ(αx + β)]^(−1/2)                  (Q(1) = 1, eq. (16))
// and (α, β) solve the 2×2 system  E[φ̂ φ̂′ x] = 1 (Q′(1) = 1),  E[φ̂′²] = ψ (C′(1) = ψ given Q(1) = 1).
// The paper uses SciPy's modified Powell hybrid with restarts from six fixed guesses, then random ones (Sec. 22.1);
// here a damped Newton (central-difference Jacobian, backtracking on ‖r‖²) runs from all six guesses (random
// restarts only if none converges), and every distinct root is kept: the system can have several (SELU has at
// least two). (α, β) and (−α, β) give the same
// maps (x ↦ −x leaves N(0, 1) unchanged), so α > 0 is reported.
// Positively homogeneous φ (ReLU) has only three effective parameters (Sec. 18.6): Q′(1) = 1 is dropped, β is
// fixed (default 1, which reproduces the Sec. 18.7 table's ReLU row) and α solves C′(1) = ψ alone.
import { compositeRule } from '../meanfield/gauss';
import { brent } from '../meanfield/root';
import { transformActivation, type DksActivation, type DksTransform } from './activations';
import { localSummary } from './maps';

export interface DksResiduals {
  /** Q(1) − 1 */
  q1: number;
  /** Q′(1) − 1 (not enforced for positively homogeneous φ) */
  qPrime1: number;
  /** C(0) (≥ 0) */
  c0: number;
  /** C′(1) − ψ */
  cPrime1: number;
}

export interface DksRoot extends DksTransform {
  residuals: DksResiduals;
}

export interface DksSolution {
  psi: number;
  /** The roots found, the first being the one the paper's restart order reaches first. */
  roots: DksRoot[];
  /** Conditions enforced: all four, or three for positively homogeneous φ (then β is fixed). */
  conditions: Array<keyof DksResiduals>;
  note?: string;
}

/** No (α, β) met the conditions: the best point seen and its residual norm. */
export class DksNoRootError extends RangeError {
  constructor(
    message: string,
    readonly best: DksTransform | null,
    readonly bestResidual: number,
  ) {
    super(message);
    this.name = 'DksNoRootError';
  }
}

interface Moments {
  mean: number;
  variance: number;
  dphi2: number;
  /** E[(φ − m) φ′ x], m = E φ */
  centredPhiDphiX: number;
}

/**
 * E over x ~ N(0, 1) of φ(αx + β) and friends, split at the kinks (k − β)/α. Moments are taken of φ − φ(β): for a
 * small α (ζ → 1) φ(αx + β) − φ(β) ≈ αφ′(β)x is small, and Var = E φ² − (E φ)² would cancel most digits.
 */
function momentsAt(act: DksActivation, alpha: number, beta: number): Moments {
  const a = Math.abs(alpha);
  const rule = compositeRule(
    act.kinks.map((k) => (k - beta) / alpha),
    { panelWidth: Math.min(1, Math.max(0.02, act.halfWidth / a)) },
  );
  const { z, w } = rule;
  const shift = act.phi(beta);
  let m = 0;
  let m2 = 0;
  let d2 = 0;
  let pdx = 0;
  let dx = 0;
  for (let i = 0; i < z.length; i++) {
    const u = alpha * z[i] + beta;
    const f = act.phi(u) - shift;
    const d = act.dphi(u);
    const wi = w[i];
    m += wi * f;
    m2 += wi * f * f;
    d2 += wi * d * d;
    pdx += wi * f * d * z[i];
    dx += wi * d * z[i];
  }
  return { mean: m + shift, variance: m2 - m * m, dphi2: d2, centredPhiDphiX: pdx - m * dx };
}

/** δ and γ in closed form (Sec. 18.4) and the two remaining residuals at (α, β); null where Var[φ(αx+β)] = 0. */
function system(act: DksActivation, alpha: number, beta: number, psi: number): { t: DksTransform; r: number[] } | null {
  const mo = momentsAt(act, alpha, beta);
  if (!(mo.variance > 1e-300) || !Number.isFinite(mo.variance)) return null;
  const delta = -mo.mean;
  const gamma = 1 / Math.sqrt(mo.variance);
  // E[φ̂ φ̂′ x] = γ²α E[(φ + δ)φ′ x];  E[φ̂′²] = γ²α² E[φ′²]
  const qPrime = gamma * gamma * alpha * mo.centredPhiDphiX;
  const cPrime = gamma * gamma * alpha * alpha * mo.dphi2;
  return { t: { alpha, beta, gamma, delta }, r: [qPrime - 1, cPrime - psi] };
}

/** The four residuals of a transform, recomputed from the transformed activation's maps (maps.ts). */
export function dksResiduals(act: DksActivation, t: DksTransform, psi: number): DksResiduals {
  const s = localSummary(transformActivation(act, t), 1);
  return { q1: s.Q - 1, qPrime1: s.QPrime - 1, c0: s.C0, cPrime1: s.CPrime1 - psi };
}

const GUESSES: ReadonlyArray<[number, number]> = [
  [1, 0],
  [1, 1],
  [1, -1],
  [0.1, 0],
  [0.1, 1],
  [0.1, -1],
];

/**
 * Random restarts after the six fixed guesses, while no root has been found (Sec. 22.1: α ~ U(0, 2), β ~ U(−3, 3)),
 * from a fixed seed so that results are reproducible.
 */
const RANDOM_RESTARTS = 20;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Roots closer than this (relative) are one root. */
const ROOT_SAME = 1e-5;

const norm2 = (r: number[]) => r[0] * r[0] + r[1] * r[1];

/** Damped Newton from (α₀, β₀); the converged point (‖r‖ ≤ 1e-13) or the best point seen. */
function newton(
  act: DksActivation,
  psi: number,
  alpha0: number,
  beta0: number,
): { x: [number, number]; f: number; converged: boolean } {
  let x: [number, number] = [alpha0, beta0];
  let cur = system(act, x[0], x[1], psi);
  if (!cur) return { x, f: Infinity, converged: false };
  let f = norm2(cur.r);
  const history: number[] = [];
  for (let iter = 0; iter < 50; iter++) {
    if (f <= 1e-26) return { x, f, converged: true };
    // a start that is not closing in on a root (‖r‖² not halving over 6 steps, after 10) is abandoned
    history.push(f);
    if (iter >= 10 && f > 0.5 * history[iter - 6]) break;
    // central-difference Jacobian
    const J: number[][] = [
      [0, 0],
      [0, 0],
    ];
    for (let j = 0; j < 2; j++) {
      // relative steps in α (which may be ~1e-4 when ζ is close to 1), absolute ≥ 1e-7 in β
      const h = 1e-6 * (j === 0 ? Math.abs(x[0]) : Math.max(Math.abs(x[1]), 0.1));
      const xp: [number, number] = [x[0], x[1]];
      const xm: [number, number] = [x[0], x[1]];
      xp[j] += h;
      xm[j] -= h;
      const sp = system(act, xp[0], xp[1], psi);
      const sm = system(act, xm[0], xm[1], psi);
      if (!sp || !sm) return { x, f, converged: false };
      J[0][j] = (sp.r[0] - sm.r[0]) / (2 * h);
      J[1][j] = (sp.r[1] - sm.r[1]) / (2 * h);
    }
    const det = J[0][0] * J[1][1] - J[0][1] * J[1][0];
    let step: [number, number];
    if (Math.abs(det) > 1e-14 * (Math.abs(J[0][0] * J[1][1]) + Math.abs(J[0][1] * J[1][0]) + 1e-300)) {
      step = [-(J[1][1] * cur.r[0] - J[0][1] * cur.r[1]) / det, -(-J[1][0] * cur.r[0] + J[0][0] * cur.r[1]) / det];
    } else {
      // singular: a gradient step on ‖r‖²/2
      step = [-(J[0][0] * cur.r[0] + J[1][0] * cur.r[1]), -(J[0][1] * cur.r[0] + J[1][1] * cur.r[1])];
    }
    // keep α away from 0 and steps bounded (the system is only defined for α ≠ 0)
    const scale = Math.min(
      1,
      (0.5 * Math.max(Math.abs(x[0]), 1e-3)) / Math.abs(step[0] || 1e-300),
      2 / Math.hypot(...step),
    );
    let t = scale;
    let accepted = false;
    for (let k = 0; k < 16; k++) {
      const xn: [number, number] = [x[0] + t * step[0], x[1] + t * step[1]];
      const sn = system(act, xn[0], xn[1], psi);
      if (sn && norm2(sn.r) < f) {
        x = xn;
        cur = sn;
        f = norm2(sn.r);
        accepted = true;
        break;
      }
      t /= 2;
    }
    if (!accepted) break;
  }
  // a step that cannot lower ‖r‖ any more means rounding: accept a root whose residual is at that level
  return { x, f, converged: f <= 1e-22 };
}

/** All roots of the (α, β) system found from the paper's guesses and seeded random restarts. */
function solveSmooth(act: DksActivation, psi: number): DksSolution {
  const roots: DksRoot[] = [];
  let best: { x: [number, number]; f: number } = { x: [Number.NaN, Number.NaN], f: Infinity };
  const rand = mulberry32(20210810);
  const starts: Array<[number, number]> = [...GUESSES];
  for (let i = 0; i < RANDOM_RESTARTS; i++) starts.push([2 * rand(), -3 + 6 * rand()]);
  for (const [k, [a0, b0]] of starts.entries()) {
    // every fixed guess runs (to collect the roots they reach); random ones only until a root is found
    if (k >= GUESSES.length && roots.length > 0) break;
    const res = newton(act, psi, a0, b0);
    if (res.f < best.f) best = res;
    if (!res.converged) continue;
    const alpha = Math.abs(res.x[0]);
    const beta = res.x[1];
    if (
      // as ζ → 1 the system flattens (residuals ~1e-14 over a 1e-7 neighbourhood): one root, several landing points
      roots.some(
        (r) =>
          Math.abs(r.alpha - alpha) <= ROOT_SAME * alpha &&
          Math.abs(r.beta - beta) <= ROOT_SAME * Math.max(1, Math.abs(beta)),
      )
    )
      continue;
    const s = system(act, alpha, beta, psi)!;
    roots.push({ ...s.t, residuals: dksResiduals(act, s.t, psi) });
  }
  if (roots.length === 0) {
    const bestT = Number.isFinite(best.f) ? (system(act, best.x[0], best.x[1], psi)?.t ?? null) : null;
    throw new DksNoRootError(
      `no (α, β) solves Q′(1) = 1 and C′(1) = ψ = ${psi} for ${act.name} from ${starts.length} starts; ` +
        `best residual norm ${Math.sqrt(best.f).toExponential(3)}`,
      bestT,
      Math.sqrt(best.f),
    );
  }
  return { psi, roots, conditions: ['q1', 'qPrime1', 'c0', 'cPrime1'] };
}

/**
 * Positively homogeneous φ (Sec. 18.6): β fixed, α > 0 from C′(1) = ψ by bracketing + Brent; δ, γ in closed form.
 * C′(1) runs from 1 (α → 0, Prop. 26, needs φ′(β) ≠ 0) to the untransformed value at β/α → 0 (ReLU: π/(π − 1)).
 */
function solveHomogeneous(act: DksActivation, psi: number, beta: number): DksSolution {
  const cPrime = (alpha: number) => {
    const s = system(act, alpha, beta, psi);
    return s ? s.r[1] : Number.NaN;
  };
  let lo = 1e-4;
  let flo = cPrime(lo);
  let hi = lo;
  let fhi = flo;
  let bestR = Math.abs(flo);
  while (fhi < 0 && hi < 1e4) {
    lo = hi;
    flo = fhi;
    hi *= 2;
    fhi = cPrime(hi);
    if (Number.isFinite(fhi)) bestR = Math.min(bestR, Math.abs(fhi));
  }
  if (!(flo < 0 && fhi >= 0)) {
    throw new DksNoRootError(
      `no α solves C′(1) = ψ = ${psi} for ${act.name} with β = ${beta} fixed (C′(1) ranges over ` +
        `[${(cPrime(1e-4) + psi).toPrecision(6)}, ${(cPrime(1e4) + psi).toPrecision(6)}]); best residual ${bestR.toExponential(3)}`,
      null,
      bestR,
    );
  }
  const alpha = brent(cPrime, lo, hi, { xtol: 1e-15 }, flo, fhi);
  const t = system(act, alpha, beta, psi)!.t;
  return {
    psi,
    roots: [{ ...t, residuals: dksResiduals(act, t, psi) }],
    conditions: ['q1', 'c0', 'cPrime1'],
    note:
      `${act.name} is positively homogeneous: the transform has three effective parameters (Sec. 18.6), so ` +
      `Q′(1) = 1 is not enforced and β is fixed at ${beta}`,
  };
}

export interface SolveOptions {
  /** β for positively homogeneous φ (default 1, as the Sec. 18.7 table's ReLU row). */
  homogeneousBeta?: number;
}

/** The DKS transform(s) of `act` for the local slope ψ (= μ⁻¹(ζ), slope.ts). */
export function solveDks(act: DksActivation, psi: number, options: SolveOptions = {}): DksSolution {
  if (!(Number.isFinite(psi) && psi > 1)) throw new RangeError(`ψ must be a finite number > 1, got ${psi}`);
  if (act.homogeneous) return solveHomogeneous(act, psi, options.homogeneousBeta ?? 1);
  return solveSmooth(act, psi);
}
