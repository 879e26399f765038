// The after-step half of the one-input exact GD-step sampler (gd-step-exact-fast.ts GdStepFastSampler, whose header
// derives the four conditional queries per layer): forward and backward through the stepped network, queries 3 and
// 4, with every vector carried as mantissa·2^exponent (gd-step-fast-passes.ts). Its WebAssembly copy is the second
// half of wasm/kernels.as.ts gdStepRelu.
import type { GdStepSetup } from './gd-step-exact';
import { fillNormalsDot } from './bulk-normals';
import {
  backwardAfter,
  dot,
  forwardAfterFirst,
  forwardAfterHidden,
  pow2,
  remainder1,
  remainder2,
  rescaleBy,
  scaleBy,
  TOL2,
  topDelta,
  type ScaledPhi,
  type ScaledSum,
} from './gd-step-fast-passes';

/** The sampler's buffers and per-layer scalars that the step reads and writes (GdStepFastSampler's fields). */
export interface FastSamplerState {
  readonly s: GdStepSetup;
  readonly depth: number;
  readonly relu: boolean;
  readonly phi: ScaledPhi;
  readonly dphi: ScaledPhi;
  readonly sd: Float64Array;
  readonly h: Float64Array[];
  readonly x: Float64Array[];
  readonly delta: Float64Array[];
  readonly bias: Float64Array[];
  readonly hA: Float64Array[];
  readonly xA: Float64Array[];
  readonly dA: Float64Array[];
  readonly A1: Float64Array[];
  readonly C1: Float64Array[];
  readonly A2: Float64Array[];
  readonly R: Float64Array[];
  readonly wTop: Float64Array;
  readonly g: Float64Array;
  readonly rRows: Float64Array;
  readonly nx2: Float64Array;
  readonly nd2: Float64Array;
  readonly nxA2: Float64Array;
  readonly rho: Float64Array;
  readonly ex: Float64Array;
  readonly ed: Float64Array;
  readonly exA: Float64Array;
  readonly edA: Float64Array;
  readonly limit: number;
  readonly limitDelta: number;
  readonly thetaSum: ScaledSum;
  readonly sums: Float64Array;
  readonly zeros: Float64Array;
  readonly st: Int32Array;
  /** f′ of the last afterStep() as mantissa and exponent (written here). */
  outA: number;
  outAE: number;
}

/**
 * Forward and backward through W_l − εc_W δ_l x_{l−1}ᵀ, b_l − εc_B δ_l (L ≥ 2), ε = 2^{ee}·eps: Θ′ into thetaSum,
 * f′ into outA·2^{outAE} (unscaled); false if not finite.
 */
export function afterStep(t: FastSamplerState, eps: number, ee: number, bL: number): boolean {
  const { relu, phi, dphi, sd, h, x, delta, bias, hA, xA, dA, A1, C1, A2, R, nx2, nd2, nxA2, rho, sums, st } = t;
  const { ex, ed, exA, edA } = t;
  // φ not homogeneous: x′ is never rescaled (nor ε), and the δ term of h′ is taken at its true scale (±∞ beyond
  // float64, which a bounded φ maps to ±1, φ′ to 0); the other terms then sit at exponent 0
  const trueScale = t.limit === Infinity;
  const { n, cW, cB } = t.s;
  const L = t.depth;
  // forward, query 3. Layer 1: x′₀ = x₀, so h′₁ = h₁ − εδ₁(c_W‖x₀‖² + c_B) needs no draw. Exponent of x′_l: the
  // larger of its terms' (each coefficient times 2^{e_term − E}).
  nxA2[0] = nx2[0];
  exA[0] = 0;
  const eD1 = ee + ed[1];
  let E = trueScale ? 0 : Math.max(ex[1], eD1);
  nxA2[1] = forwardAfterFirst(
    n[1],
    h[1],
    pow2(ex[1] - E),
    eps * (cW[1] * nx2[0] + cB[1]) * (trueScale ? 1 : pow2(eD1 - E)),
    trueScale ? eD1 : 0,
    delta[1],
    x[1],
    hA[1],
    xA[1],
    relu,
    phi,
    E,
    sums,
  );
  exA[1] = E;
  let cross = shrinkForward(t, 1, sums[0]); // ⟨x_{l−1}, x′_{l−1}⟩, exponent ex + exA
  if (!Number.isFinite(nxA2[1])) return false;
  for (let l = 2; l < L; l++) {
    const m = n[l - 1],
      nl = n[l],
      nx = Math.sqrt(nx2[l - 1]),
      nd = Math.sqrt(nd2[l]);
    const invNx = nx > 0 ? 1 / nx : 0,
      invNd = nd > 0 ? 1 / nd : 0;
    // u₂ = x′_{l−1} = c₁q₁ + ρq₂ (c₁, ρ and R of exponent exA[l − 1])
    const r2 = remainder1(m, x[l - 1], xA[l - 1], cross * invNx * invNx, R[l], C1[l], sums);
    const c1 = cross * invNx;
    let rh = 0,
      invRho = 0;
    if (r2 > TOL2 * nxA2[l - 1]) {
      rh = Math.sqrt(r2);
      invRho = 1 / rh;
    }
    rho[l] = rh;
    const cq2 = sums[0] * invRho; // ⟨C₁, q₂⟩ (read before the draw below overwrites sums)
    fillNormalsDot(st, A2[l], nl, delta[l], delta[l], delta[l], sums);
    const pg = sums[0] * invNd; // ⟨p₁, g⟩
    const eX = ex[l - 1] + exA[l - 1];
    const cEps = eps * (cW[l] * cross + cB[l] * pow2(-eX)); // exponent ee + eX, times δ_l
    const eD = ee + eX + ed[l];
    E = trueScale ? 0 : Math.max(exA[l - 1], eD);
    const sU = pow2(exA[l - 1] - E);
    nxA2[l] = forwardAfterHidden(
      nl,
      sd[l],
      cq2 - sd[l] * pg,
      invNd,
      delta[l],
      A1[l],
      A2[l],
      c1 * sU,
      rh * sU,
      bias[l],
      pow2(-E),
      cEps * (trueScale ? 1 : pow2(eD - E)),
      trueScale ? eD : 0,
      x[l],
      hA[l],
      xA[l],
      relu,
      phi,
      E,
      sums,
    );
    exA[l] = E;
    cross = shrinkForward(t, l, sums[0]);
    if (!Number.isFinite(nxA2[l])) return false;
  }
  // output: W_L is known whole, f′ = ⟨W_L, x′_{L−1}⟩ + b_L − ε(c_W⟨x_{L−1}, x′_{L−1}⟩ + c_B)
  const mTop = n[L - 1];
  {
    const eX = ex[L - 1] + exA[L - 1];
    const Ef = Math.max(exA[L - 1], ee + eX);
    t.outA =
      dot(mTop, t.wTop, xA[L - 1]) * pow2(exA[L - 1] - Ef) +
      bL * pow2(-Ef) -
      eps * (cW[L] * cross + cB[L] * pow2(-eX)) * pow2(ee + eX - Ef);
    t.outAE = Ef;
  }
  // backward, query 4. δ′_L = 1; (W_L − εc_W x_{L−1}ᵀ)ᵀ·1 = W_Lᵀ − εc_W x_{L−1}
  const thetaAfter = t.thetaSum;
  thetaAfter.set(cW[L] * nxA2[L - 1] + cB[L] * pow2(-2 * exA[L - 1]), 2 * exA[L - 1]);
  E = ee + ex[L - 1];
  let ndA2 = topDelta(
    mTop,
    t.wTop,
    pow2(-E),
    eps * cW[L],
    x[L - 1],
    hA[L - 1],
    dA[L - 1],
    delta[L - 1],
    relu,
    dphi,
    exA[L - 1],
    sums,
  );
  edA[L - 1] = E;
  let dCross = sums[0]; // ⟨δ_l, δ′_l⟩, exponent ed + edA
  for (let l = L - 1; l >= 1; l--) {
    const k = rescaleBy(ndA2, edA[l], t.limitDelta);
    if (k !== 0 && ndA2 === 0)
      edA[l] += k; // δ′_l = 0: nothing to scale (rescaleBy)
    else if (k !== 0) {
      scaleBy(n[l], dA[l], pow2(-k));
      ndA2 *= pow2(-2 * k);
      dCross *= pow2(-k);
      edA[l] += k;
    }
    thetaAfter.add(ndA2 * (cW[l] * nxA2[l - 1] + cB[l] * pow2(-2 * exA[l - 1])), 2 * (edA[l] + exA[l - 1]));
    if (!Number.isFinite(thetaAfter.m)) return false;
    if (l === 1) break;
    const nl = n[l],
      m = n[l - 1];
    const nd = Math.sqrt(nd2[l]),
      nx = Math.sqrt(nx2[l - 1]);
    const invNd = nd > 0 ? 1 / nd : 0,
      invNx = nx > 0 ? 1 / nx : 0;
    // v₂ = δ′_l = d₁p₁ + τp₂ (d₁, τ of exponent edA[l])
    const t2 = remainder2(nl, delta[l], dA[l], dCross * invNd * invNd, t.rRows, A1[l], A2[l], sums);
    let tau = 0,
      invTau = 0;
    if (t2 > TOL2 * ndA2) {
      tau = Math.sqrt(t2);
      invTau = 1 / tau;
    }
    const a1p = sums[0] * invTau,
      a2p = sums[1] * invTau; // ⟨A₁, p₂⟩, ⟨A₂, p₂⟩
    const invRho = rho[l] > 0 ? 1 / rho[l] : 0;
    fillNormalsDot(st, t.g, m, x[l - 1], R[l], t.zeros, sums);
    const k1 = a1p - sd[l] * sums[0] * invNx,
      k2 = a2p - sd[l] * sums[1] * invRho;
    // δ′_{l−1}: the terms along δ′_l (exponent edA[l]) and εc_W⟨δ_l, δ′_l⟩x_{l−1} (exponent E below)
    E = edA[l] + ee + ed[l] + ex[l - 1];
    const sV = pow2(edA[l] - E);
    ndA2 = backwardAfter(
      m,
      sd[l],
      dCross * invNd * sV,
      tau * sV,
      k1,
      k2,
      invNx,
      invRho,
      eps * cW[l] * dCross,
      x[l - 1],
      R[l],
      C1[l],
      t.g,
      hA[l - 1],
      delta[l - 1],
      dA[l - 1],
      relu,
      dphi,
      exA[l - 1],
      sums,
    );
    edA[l - 1] = E;
    dCross = sums[0];
  }
  return true;
}

/** After a new x′_l (squared norm in nxA2[l]): rescales x′_l, h′_l by 2^{−k} (rescaleBy); returns `cross`·2^{−k}. */
function shrinkForward(t: FastSamplerState, l: number, cross: number): number {
  const v = t.nxA2[l];
  const k = rescaleBy(v, t.exA[l], t.limit);
  if (k === 0) return cross;
  if (v === 0) {
    t.exA[l] += k; // x′_l = 0: nothing to scale (rescaleBy)
    return cross;
  }
  const s = pow2(-k);
  scaleBy(t.s.n[l], t.xA[l], s);
  scaleBy(t.s.n[l], t.hA[l], s);
  t.nxA2[l] = v * pow2(-2 * k);
  t.exA[l] += k;
  return cross * s;
}
