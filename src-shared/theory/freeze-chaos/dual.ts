// The dual functions of a standardized σ on the unit sphere (Jacot et al. 2019, App. B):
//   R_σ(ρ) = E[σ(v₀)σ(v₁)],  R_σ̇(ρ) = E[σ̇(v₀)σ̇(v₁)],  v ~ N(0, [[1, ρ], [ρ, 1]]).
// With σ = scale·(φ − shift): R_σ = scale²(T_φ(ρ) − shift²) and R_σ̇ = scale²·T_φ̇(ρ), T the unit-variance kernels.
// Three ways to T: the registry's closed forms (ReLU: arc-cosine, Cho & Saul 2009; erf: Williams 1997; linear);
// direct float64 2-D quadrature split at the kinks (gauss.ts, ~1 ms a value); and, for curves, a Chebyshev
// interpolant in the angle θ = arccos ρ ∈ [0, π] built once from quadrature values (kinked φ give kernels smooth in θ,
// e.g. ReLU's (sin θ + (π − θ)cos θ)/2π, where they have √(1 − ρ²) terms in ρ).
import { expectBivariate } from '../meanfield/gauss';
import type { Nonlinearity } from './nonlinearity';

export type DualMethod = 'closed-form' | 'chebyshev' | 'quadrature';

export interface DualFunctions {
  readonly method: DualMethod;
  /** R_σ(ρ), ρ ∈ [−1, 1]. */
  R(rho: number): number;
  /** R_σ̇(ρ), ρ ∈ [−1, 1]. */
  Rdot(rho: number): number;
}

/** Chebyshev degree of the angle interpolant (measured error vs direct quadrature: see dual.test.ts). */
export const CHEBYSHEV_DEGREE = 48;

const clampRho = (rho: number) => (rho > 1 ? 1 : rho < -1 ? -1 : rho);

/** Raw unit-variance kernels T_φ(ρ), T_φ̇(ρ) by direct 2-D quadrature. */
function rawByQuadrature(nl: Nonlinearity, rho: number): { T: number; Tdot: number } {
  const { phi, dphi, kinks } = nl.base;
  const cov = { s11: 1, s12: clampRho(rho), s22: 1 };
  return { T: expectBivariate(phi, phi, cov, kinks, kinks), Tdot: expectBivariate(dphi, dphi, cov, kinks, kinks) };
}

/** Chebyshev coefficients (Lobatto nodes, DCT-I) of f on t ∈ [−1, 1] from its n + 1 node values f(cos(jπ/n)). */
function chebCoefficients(values: Float64Array): Float64Array {
  const n = values.length - 1;
  const c = new Float64Array(n + 1);
  for (let k = 0; k <= n; k++) {
    let s = 0;
    for (let j = 0; j <= n; j++) {
      const w = j === 0 || j === n ? 0.5 : 1;
      s += w * values[j] * Math.cos((Math.PI * j * k) / n);
    }
    c[k] = ((2 / n) * s) / (k === 0 || k === n ? 2 : 1);
  }
  return c;
}

/** Σ c_k T_k(t) by Clenshaw. */
function chebEval(c: Float64Array, t: number): number {
  let b1 = 0;
  let b2 = 0;
  for (let k = c.length - 1; k >= 1; k--) {
    const b0 = 2 * t * b1 - b2 + c[k];
    b2 = b1;
    b1 = b0;
  }
  return t * b1 - b2 + c[0];
}

// keyed by the raw φ (the table is of T_φ, T_φ̇; standardized and normalized σ share it)
const tables = new WeakMap<object, { T: Float64Array; Tdot: Float64Array }>();

/** Chebyshev coefficients of T_φ(cos θ), T_φ̇(cos θ) in θ ∈ [0, π] (cached per φ). */
function chebyshevTable(nl: Nonlinearity): { T: Float64Array; Tdot: Float64Array } {
  const hit = tables.get(nl.base);
  if (hit) return hit;
  const n = CHEBYSHEV_DEGREE;
  const T = new Float64Array(n + 1);
  const Tdot = new Float64Array(n + 1);
  for (let j = 0; j <= n; j++) {
    // node t_j = cos(jπ/n) ↦ θ = π(1 + t)/2 ↦ ρ = cos θ
    const theta = (Math.PI * (1 + Math.cos((Math.PI * j) / n))) / 2;
    const v = rawByQuadrature(nl, Math.cos(theta));
    T[j] = v.T;
    Tdot[j] = v.Tdot;
  }
  const table = { T: chebCoefficients(T), Tdot: chebCoefficients(Tdot) };
  tables.set(nl.base, table);
  return table;
}

/** Dual functions of `nl` by the given method ('auto': closed form where the registry has one, else Chebyshev). */
export function dualFunctions(nl: Nonlinearity, method: DualMethod | 'auto' = 'auto'): DualFunctions {
  const s2 = nl.scale * nl.scale;
  const shift2 = nl.shift * nl.shift;
  const cf = nl.base.closedForms;
  const chosen: DualMethod = method === 'auto' ? (cf ? 'closed-form' : 'chebyshev') : method;
  if (chosen === 'closed-form') {
    if (!cf) throw new RangeError(`activation: ${nl.activation} has no closed-form kernel`);
    return {
      method: chosen,
      R: (rho) => s2 * (cf.T(1, clampRho(rho), 1) - shift2),
      Rdot: (rho) => s2 * cf.Tdot(1, clampRho(rho), 1),
    };
  }
  if (chosen === 'quadrature') {
    return {
      method: chosen,
      R: (rho) => s2 * (rawByQuadrature(nl, rho).T - shift2),
      Rdot: (rho) => s2 * rawByQuadrature(nl, rho).Tdot,
    };
  }
  // built on first use (one 2-D quadrature per node), so a model that only reports r and the phase stays cheap
  let table: { T: Float64Array; Tdot: Float64Array } | undefined;
  const coefficients = () => (table ??= chebyshevTable(nl));
  const tOf = (rho: number) => (2 * Math.acos(clampRho(rho))) / Math.PI - 1;
  return {
    method: chosen,
    R: (rho) => s2 * (chebEval(coefficients().T, tOf(rho)) - shift2),
    Rdot: (rho) => s2 * chebEval(coefficients().Tdot, tOf(rho)),
  };
}
