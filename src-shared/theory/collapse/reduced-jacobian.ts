// The linear algebra a linearly implicit integrator needs for the reduced flow (Seleznova et al. 2023, Theorem 5.1,
// eq. 25; reduced-flow.ts): solves with αI − J, J the Jacobian of the reduced right-hand side at a state
// z = [x = (H₁, W, b), K]. Everything is analytic (the flow is polynomial in the state) and the K block is eliminated
// exactly:
//   ∂K̇/∂K = −μ_single WᵀW ⊗ I_r  (one n×n matrix acting on every column of K),
// so with B = αI_n + μ_single WᵀW the system reduces to its Schur complement on x,
//   S = αI − J_xx − J_xK (B⁻¹ ⊗ I_r) J_Kx,
// of 2nC + C unknowns (68 instead of 132 at C = 4, m = 6, n = 8). Only Ẇ depends on K and only K̇ on (W, K), so the
// correction touches S's W×W block only, and it has a closed form (four rank-structured terms, below).
// Index conventions as in reduced-flow.ts: H₁[f,c] at f·C + c, W[o,f] at wAt + o·n + f, b[o] at bAt + o,
// K[f,a] at kAt + f·r + a.
import type { BlockKernel } from './block-dynamics';
import type { ReducedLayout } from './reduced-flow';

export interface ReducedLinearSolver {
  /** Jacobian-dependent work at state z (once per step). */
  setState(z: ArrayLike<number>): void;
  /** Factor αI − J at the last state (once per step size): false when it is singular to working precision. */
  factor(alpha: number): boolean;
  /** x ← (αI − J)⁻¹ x, in place. */
  solve(x: Float64Array): void;
}

/** LU with partial pivoting of a k×k row-major matrix, in place; false when a pivot is 0 or not finite. */
function luFactor(M: Float64Array, k: number, piv: Int32Array): boolean {
  for (let c = 0; c < k; c++) {
    let p = c,
      best = Math.abs(M[c * k + c]);
    for (let i = c + 1; i < k; i++) {
      const v = Math.abs(M[i * k + c]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (!(best > 0) || !Number.isFinite(best)) return false;
    piv[c] = p;
    if (p !== c)
      for (let j = 0; j < k; j++) {
        const t = M[c * k + j];
        M[c * k + j] = M[p * k + j];
        M[p * k + j] = t;
      }
    const inv = 1 / M[c * k + c];
    const rc = c * k;
    // two rows per pass: each load of the pivot row serves both (1.3–1.8× faster at k = 68…132, measured)
    let i = c + 1;
    for (; i + 1 < k; i += 2) {
      const ri = i * k,
        rj = ri + k;
      const li = (M[ri + c] *= inv),
        lj = (M[rj + c] *= inv);
      for (let j = c + 1; j < k; j++) {
        const u = M[rc + j];
        M[ri + j] -= li * u;
        M[rj + j] -= lj * u;
      }
    }
    if (i < k) {
      const ri = i * k;
      const l = (M[ri + c] *= inv);
      for (let j = c + 1; j < k; j++) M[ri + j] -= l * M[rc + j];
    }
  }
  return true;
}

function luSolve(M: Float64Array, k: number, piv: Int32Array, x: Float64Array): void {
  for (let c = 0; c < k; c++) {
    const p = piv[c];
    if (p !== c) {
      const t = x[c];
      x[c] = x[p];
      x[p] = t;
    }
  }
  for (let i = 0; i < k; i++) {
    let s = x[i];
    for (let j = 0; j < i; j++) s -= M[i * k + j] * x[j];
    x[i] = s;
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = x[i];
    for (let j = i + 1; j < k; j++) s -= M[i * k + j] * x[j];
    x[i] = s / M[i * k + i];
  }
}

/** Inverse of a symmetric positive definite k×k matrix (Cholesky), into `out`; false if not positive definite. */
function spdInverse(A: Float64Array, k: number, L: Float64Array, out: Float64Array): boolean {
  for (let i = 0; i < k; i++)
    for (let j = 0; j <= i; j++) {
      let s = A[i * k + j];
      for (let p = 0; p < j; p++) s -= L[i * k + p] * L[j * k + p];
      if (i === j) {
        if (!(s > 0)) return false;
        L[i * k + i] = Math.sqrt(s);
      } else L[i * k + j] = s / L[j * k + j];
    }
  // columns of A⁻¹: solve L Lᵀ x = e_c
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < k; i++) {
      let s = i === c ? 1 : 0;
      for (let p = 0; p < i; p++) s -= L[i * k + p] * out[p * k + c];
      out[i * k + c] = s / L[i * k + i];
    }
    for (let i = k - 1; i >= 0; i--) {
      let s = out[i * k + c];
      for (let p = i + 1; p < k; p++) s -= L[p * k + i] * out[p * k + c];
      out[i * k + c] = s / L[i * k + i];
    }
  }
  return true;
}

/**
 * Solves with αI − J for the reduced flow with kernel k and layout R (work arrays allocated once). A class whose
 * methods copy its fields to locals: V8 then runs the loops at full speed for every instance (a closure holding them
 * was several times slower once a second instance existed, see reducedDerivative).
 */
export class ReducedLinearSystem implements ReducedLinearSolver {
  private readonly R: ReducedLayout;
  private readonly single: number;
  private readonly muClass: number;
  private readonly g: number;
  private readonly Z: Float64Array;
  private readonly Jxx: Float64Array;
  private readonly S: Float64Array;
  private readonly piv: Int32Array;
  private readonly WtW: Float64Array;
  private readonly KKt: Float64Array;
  private readonly H1H1t: Float64Array;
  private readonly WK: Float64Array;
  /** (WK)Kᵀ (C×n). */
  private readonly Q: Float64Array;
  /** (WK)(WK)ᵀ (C×C). */
  private readonly T: Float64Array;
  private readonly B: Float64Array;
  private readonly Bl: Float64Array;
  private readonly Binv: Float64Array;
  private readonly WBinv: Float64Array;
  private readonly WBinvWt: Float64Array;
  private readonly R1: Float64Array;
  private readonly P: Float64Array;
  private readonly HM: Float64Array;
  private readonly hs: Float64Array;
  private readonly u: Float64Array;
  private readonly Wu: Float64Array;

  constructor(k: BlockKernel, R: ReducedLayout) {
    const { n, C, m, r, kAt } = R;
    const p = kAt; // unknowns of x = (H₁, W, b)
    this.R = { ...R };
    this.single = k.kappaD - k.kappaC;
    this.muClass = this.single + m * (k.kappaC - k.kappaN);
    this.g = k.kappaN * m;
    this.Z = new Float64Array(R.size);
    this.Jxx = new Float64Array(p * p);
    this.S = new Float64Array(p * p);
    this.piv = new Int32Array(p);
    this.WtW = new Float64Array(n * n);
    this.KKt = new Float64Array(n * n);
    this.H1H1t = new Float64Array(n * n);
    this.WK = new Float64Array(C * r);
    this.Q = new Float64Array(C * n);
    this.T = new Float64Array(C * C);
    this.B = new Float64Array(n * n);
    this.Bl = new Float64Array(n * n);
    this.Binv = new Float64Array(n * n);
    this.WBinv = new Float64Array(C * n);
    this.WBinvWt = new Float64Array(C * C);
    this.R1 = new Float64Array(C * C);
    this.P = new Float64Array(C * C);
    this.HM = new Float64Array(n * C);
    this.hs = new Float64Array(n);
    this.u = new Float64Array(n * r);
    this.Wu = new Float64Array(C * r);
  }

  setState(z: ArrayLike<number>): void {
    const { n, C, m, r, wAt, bAt, kAt, size } = this.R;
    const p = kAt;
    const { muClass, g, Z, Jxx, WtW, KKt, H1H1t, WK, Q, T, R1, P, HM, hs } = this;
    for (let i = 0; i < size; i++) Z[i] = z[i];
    for (let f = 0; f < n; f++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += Z[f * C + c];
      hs[f] = s;
      for (let c = 0; c < C; c++) HM[f * C + c] = muClass * Z[f * C + c] + g * s;
      for (let h = 0; h < n; h++) {
        let w = 0,
          kk = 0,
          hh = 0;
        for (let o = 0; o < C; o++) w += Z[wAt + o * n + f] * Z[wAt + o * n + h];
        for (let a = 0; a < r; a++) kk += Z[kAt + f * r + a] * Z[kAt + h * r + a];
        for (let c = 0; c < C; c++) hh += Z[f * C + c] * Z[h * C + c];
        WtW[f * n + h] = w;
        KKt[f * n + h] = kk;
        H1H1t[f * n + h] = hh;
      }
    }
    for (let o = 0; o < C; o++) {
      let row = 0;
      for (let c = 0; c < C; c++) {
        let v = Z[bAt + o] - (o === c ? 1 : 0);
        for (let f = 0; f < n; f++) v += Z[wAt + o * n + f] * Z[f * C + c];
        R1[o * C + c] = v;
        row += v;
      }
      for (let c = 0; c < C; c++) P[o * C + c] = muClass * R1[o * C + c] + g * row;
      for (let a = 0; a < r; a++) {
        let v = 0;
        for (let f = 0; f < n; f++) v += Z[wAt + o * n + f] * Z[kAt + f * r + a];
        WK[o * r + a] = v;
      }
    }
    for (let o = 0; o < C; o++) {
      for (let f = 0; f < n; f++) {
        let v = 0;
        for (let a = 0; a < r; a++) v += WK[o * r + a] * Z[kAt + f * r + a];
        Q[o * n + f] = v;
      }
      for (let q = 0; q < C; q++) {
        let v = 0;
        for (let a = 0; a < r; a++) v += WK[o * r + a] * WK[q * r + a];
        T[o * C + q] = v;
      }
    }
    // J_xx, the Jacobian of (Ḣ₁, Ẇ, ḃ) with respect to (H₁, W, b); Ḣ₁ = −WᵀP with P = R₁(μ_class I + g11ᵀ),
    // Ẇ = −mR₁H₁ᵀ − (WK)Kᵀ, ḃ = −mR₁1 (reduced-flow.ts)
    Jxx.fill(0);
    for (let f = 0; f < n; f++)
      for (let c = 0; c < C; c++) {
        const row = (f * C + c) * p;
        for (let h = 0; h < n; h++)
          for (let d = 0; d < C; d++) Jxx[row + h * C + d] = -WtW[f * n + h] * ((d === c ? muClass : 0) + g);
        for (let o = 0; o < C; o++) {
          const wof = Z[wAt + o * n + f];
          for (let h = 0; h < n; h++) Jxx[row + wAt + o * n + h] = -wof * HM[h * C + c];
          Jxx[row + wAt + o * n + f] -= P[o * C + c];
          Jxx[row + bAt + o] = -wof * (muClass + g * C);
        }
      }
    for (let o = 0; o < C; o++)
      for (let f = 0; f < n; f++) {
        const row = (wAt + o * n + f) * p;
        for (let h = 0; h < n; h++) {
          const woh = Z[wAt + o * n + h];
          for (let d = 0; d < C; d++) Jxx[row + h * C + d] = -m * woh * Z[f * C + d];
        }
        for (let d = 0; d < C; d++) Jxx[row + f * C + d] -= m * R1[o * C + d];
        for (let h = 0; h < n; h++) Jxx[row + wAt + o * n + h] = -(m * H1H1t[f * n + h] + KKt[f * n + h]);
        Jxx[row + bAt + o] = -m * hs[f];
      }
    for (let o = 0; o < C; o++) {
      const row = (bAt + o) * p;
      for (let h = 0; h < n; h++) {
        for (let d = 0; d < C; d++) Jxx[row + h * C + d] = -m * Z[wAt + o * n + h];
        Jxx[row + wAt + o * n + h] = -m * hs[h];
      }
      Jxx[row + bAt + o] = -m * C;
    }
  }

  factor(alpha: number): boolean {
    const { n, C, r, wAt, kAt } = this.R;
    const p = kAt;
    const { single, Z, Jxx, S, piv, WtW, KKt, Q, T, B, Bl, Binv, WBinv, WBinvWt } = this;
    for (let i = 0; i < p * p; i++) S[i] = -Jxx[i];
    for (let i = 0; i < p; i++) S[i * p + i] += alpha;
    if (r > 0) {
      for (let i = 0; i < n * n; i++) B[i] = single * WtW[i];
      for (let f = 0; f < n; f++) B[f * n + f] += alpha;
      if (!spdInverse(B, n, Bl, Binv)) return false;
      for (let o = 0; o < C; o++) {
        for (let f = 0; f < n; f++) {
          let v = 0;
          for (let h = 0; h < n; h++) v += Z[wAt + o * n + h] * Binv[h * n + f];
          WBinv[o * n + f] = v;
        }
        for (let q = 0; q < C; q++) {
          let v = 0;
          for (let f = 0; f < n; f++) v += WBinv[o * n + f] * Z[wAt + q * n + f];
          WBinvWt[o * C + q] = v;
        }
      }
      // S_WW −= J_xK (B⁻¹ ⊗ I) J_Kx: with J_Kx e_(q,h) = −μ_single(e_h (WK)_q + W_qᵀ K_h) (rows of WK, K), its entry
      // at [(o,f), (q,h)] is μ_single[(WB⁻¹)_oh Q_qf + (WB⁻¹Wᵀ)_oq (KKᵀ)_hf + (B⁻¹)_fh T_oq + (WB⁻¹)_qf Q_oh]
      for (let o = 0; o < C; o++)
        for (let f = 0; f < n; f++) {
          const row = (wAt + o * n + f) * p + wAt;
          for (let q = 0; q < C; q++) {
            const woq = WBinvWt[o * C + q],
              toq = T[o * C + q],
              qqf = Q[q * n + f],
              wqf = WBinv[q * n + f];
            for (let h = 0; h < n; h++) {
              const w = WBinv[o * n + h] * qqf + woq * KKt[h * n + f] + Binv[f * n + h] * toq + wqf * Q[o * n + h];
              S[row + q * n + h] -= single * w;
            }
          }
        }
    }
    return luFactor(S, p, piv);
  }

  solve(x: Float64Array): void {
    const { n, C, r, wAt, kAt } = this.R;
    const { single, Z, S, piv, WK, u, Wu } = this;
    if (r > 0) {
      // u = B⁻¹ x_K; x_W += J_xK u = −((Wu)Kᵀ + (WK)uᵀ)
      this.applyBinv(x);
      for (let o = 0; o < C; o++)
        for (let a = 0; a < r; a++) {
          let v = 0;
          for (let f = 0; f < n; f++) v += Z[wAt + o * n + f] * u[f * r + a];
          Wu[o * r + a] = v;
        }
      for (let o = 0; o < C; o++)
        for (let f = 0; f < n; f++) {
          let v = 0;
          for (let a = 0; a < r; a++) v += Wu[o * r + a] * Z[kAt + f * r + a] + WK[o * r + a] * u[f * r + a];
          x[wAt + o * n + f] -= v;
        }
    }
    luSolve(S, kAt, piv, x);
    if (r > 0) {
      // x_K = B⁻¹(x_K + J_Kx x_W) with J_Kx Δ = −μ_single(ΔᵀWK + WᵀΔK), Δ = x_W (C×n); Wu holds ΔK
      for (let o = 0; o < C; o++)
        for (let a = 0; a < r; a++) {
          let v = 0;
          for (let f = 0; f < n; f++) v += x[wAt + o * n + f] * Z[kAt + f * r + a];
          Wu[o * r + a] = v;
        }
      for (let f = 0; f < n; f++)
        for (let a = 0; a < r; a++) {
          let v = 0;
          for (let o = 0; o < C; o++) v += x[wAt + o * n + f] * WK[o * r + a] + Z[wAt + o * n + f] * Wu[o * r + a];
          x[kAt + f * r + a] -= single * v;
        }
      this.applyBinv(x);
      x.set(u, kAt);
    }
  }

  /** u = B⁻¹ x_K (column by column of the n×r block). */
  private applyBinv(x: Float64Array): void {
    const { n, r, kAt } = this.R;
    const { Binv, u } = this;
    for (let f = 0; f < n; f++)
      for (let a = 0; a < r; a++) {
        let v = 0;
        for (let h = 0; h < n; h++) v += Binv[f * n + h] * x[kAt + h * r + a];
        u[f * r + a] = v;
      }
  }
}
