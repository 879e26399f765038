// The exact first-GD-step sampler for k = 1 or 2 inputs on LazyGaussianMatrix queries (Seleznova & Kutyniok 2022,
// Thm 4.1 / App. A.3; derivation: docs/gd-step.md, the steps are in gd-step-exact.ts's header). Pairs (pairCos) run
// here; one input runs in the closed form of gd-step-exact-fast.ts.
import { Rng } from '../../src-shared/rng';
import { gdStepSetup, type GdStepSetup, type GdStepSpec } from './gd-step-exact';
import { gdStepActivation } from './gd-step-exact-fast';
import { exponentOf, logOf, pow2, rescaleBy, ScaledSum, scaleBy, valueOf, type ScaledPhi } from './gd-step-fast-passes';
import { normalZiggurat } from './gamma';
import { gram, LAZY_MAX_STORED_VALUES } from './lazy-gaussian';
import { LazyGaussianMatrix } from './lazy-matrix';

const PLACEHOLDER_RNG = new Rng(0); // matrices get the caller's Rng on reset() before any draw

/**
 * Draws networks one at a time and takes one GD step on (x, y) for each. Buffers are allocated once; sample()
 * allocates nothing. For a positively homogeneous φ (ReLU, linear) every vector is carried as mantissa·2^exponent,
 * one exponent per vector and input, for any other φ the backward ones, with h′ at its true scale (the scheme of
 * gd-step-fast-passes.ts, issue 16): the answers of a
 * LazyGaussianMatrix are linear in its queries, and scaling a query by a power of two scales every step of its
 * Gram–Schmidt and its answer exactly, so a rescaled network is the plain one times powers of two, bit for bit,
 * where the plain one stays inside float64, and a finite mantissa–exponent pair beyond it.
 */
export class GdStepExactSampler {
  readonly k: number;
  readonly depth: number;
  /** Last network: Θ(x_a, x_b) before the step (k×k row-major); ±∞ beyond float64 (the logs below are finite). */
  readonly theta: Float64Array;
  /** Last network: Θ(x_a, x_b) after the step. */
  readonly thetaAfter: Float64Array;
  /** Last network: f(x_a) before / after (rescaled by α); ±∞ beyond float64. */
  readonly outputs: Float64Array;
  readonly outputsAfter: Float64Array;
  /** Last network, per kernel entry (k×k): ln|Θ|, sign Θ, ln|Θ′|, ln|Θ′ − Θ| and sign(Θ′ − Θ). */
  readonly logTheta: Float64Array;
  readonly thetaSign: Float64Array;
  readonly logThetaAfter: Float64Array;
  readonly logAbsDelta: Float64Array;
  readonly deltaSign: Float64Array;

  private readonly s: GdStepSetup;
  private readonly phi: ScaledPhi; // φ, φ′ of a mantissa at a binary exponent (gd-step-fast-passes.ts)
  private readonly dphi: ScaledPhi;
  private readonly sdB: number;
  /**
   * Squared norms above these are rescaled: limitX for x, h (∞: never, for an activation that is not homogeneous),
   * limitD for δ (always: the backward pass is linear in δ, whatever φ).
   */
  private readonly limitX: number;
  private readonly limitD: number;
  private readonly mats: LazyGaussianMatrix[]; // mats[l] = W_l, l = 1..L
  private readonly x0: Float64Array[]; // inputs in a k-dimensional orthonormal frame
  private readonly h: Float64Array[][]; // before: h[l][a], l = 1..L−1
  private readonly x: Float64Array[][]; // before: x[l][a] (kept for every layer: ΔW_{l+1} needs x_l)
  private readonly delta: Float64Array[][]; // before: δ[l][a]
  private readonly bias: Float64Array[]; // b_l (drawn only when σ_b > 0)
  private readonly hA: Float64Array[][]; // after: h′[l][a]
  private readonly xA: Float64Array[][]; // after: x′[l][a], views into two alternating buffers (xA[0] = inputs)
  private readonly dA: Float64Array[][]; // after: δ′[l][a], views into two alternating buffers
  // binary exponents at l·k + a of x_l^a (and h_l^a), δ_l^a, x′_l^a (and h′_l^a), δ′_l^a
  private readonly ex: Float64Array; // integers, exact to 2^53 (they grow ∝ L² bits: past int32 deep in chaos)
  private readonly ed: Float64Array;
  private readonly exA: Float64Array;
  private readonly edA: Float64Array;
  private readonly xGram: Float64Array; // mantissa of ⟨x_l^a, x_l^b⟩ at l·k² + a·k + b, l = 0..L−1
  private readonly xGramA: Float64Array; // mantissa of ⟨x′_l^a, x′_l^b⟩
  private readonly sums: ScaledSum[]; // Θ entries before the step (a ≤ b at a·k + b)
  private readonly sumsAfter: ScaledSum[]; // after
  private readonly outE: Float64Array; // exponents of f(x_a) before / after
  private readonly outAE: Float64Array;
  private readonly deltaTop: Float64Array; // W_Lᵀ·1
  private readonly tmp: Float64Array[]; // tmp[l]: scratch of length n_{l−1} for W_lᵀ δ′_l
  private readonly one = new Float64Array([1]);
  private readonly fOut = new Float64Array(1);
  private readonly xCross = new Float64Array(2); // ⟨x_{l−1}^0, x′_{l−1}^a⟩
  private readonly dCross = new Float64Array(2); // ⟨δ_l^0, δ′_l^a⟩

  constructor(spec: GdStepSpec) {
    const s = gdStepSetup(spec);
    const { n, depth: L } = s;
    const k = s.pairCos === undefined ? 1 : 2;
    let stored = 0;
    for (let l = 1; l <= L; l++) stored += 2 * k * (2 * (l === 1 ? k : n[l - 1]) + 4 * n[l]) + 6 * k * n[l];
    if (stored > LAZY_MAX_STORED_VALUES)
      throw new RangeError(
        `network too large for the exact GD-step sampler: about ${stored} stored values for depth ${L} (limit ${LAZY_MAX_STORED_VALUES})`,
      );
    this.s = s;
    this.k = k;
    this.depth = L;
    const act = gdStepActivation(s.act);
    this.phi = act.phi;
    this.dphi = act.dphi;
    this.limitX = act.limitX;
    this.limitD = act.limitDelta;
    this.sdB = Math.sqrt(s.sigmaB2);
    const kk = k * k;
    this.theta = new Float64Array(kk);
    this.thetaAfter = new Float64Array(kk);
    this.outputs = new Float64Array(k);
    this.outputsAfter = new Float64Array(k);
    this.logTheta = new Float64Array(kk);
    this.thetaSign = new Float64Array(kk);
    this.logThetaAfter = new Float64Array(kk);
    this.logAbsDelta = new Float64Array(kk);
    this.deltaSign = new Float64Array(kk);
    this.sums = Array.from({ length: kk }, () => new ScaledSum());
    this.sumsAfter = Array.from({ length: kk }, () => new ScaledSum());
    this.outE = new Float64Array(k);
    this.outAE = new Float64Array(k);
    this.ex = new Float64Array(L * k);
    this.ed = new Float64Array(L * k);
    this.exA = new Float64Array(L * k);
    this.edA = new Float64Array(L * k);

    // inputs: x = r e₁, x̃ = r(c e₁ + √(1−c²) e₂); rotation invariance makes any such pair equivalent
    const r = s.inputNorm;
    this.x0 = [new Float64Array(k)];
    this.x0[0][0] = r;
    if (k === 2) {
      const c = s.pairCos!;
      const xt = new Float64Array(2);
      xt[0] = r * c;
      xt[1] = r * Math.sqrt(Math.max(0, 1 - c * c));
      this.x0.push(xt);
    }
    this.mats = [new LazyGaussianMatrix(1, 1, 0, PLACEHOLDER_RNG)]; // index 0 unused (layers are 1-based)
    for (let l = 1; l <= L; l++) {
      // layer 1 acts on the k-dimensional frame of the inputs; its variance still carries n₀ (Seleznova & Kutyniok
      // 2022, eq. 6)
      const cols = l === 1 ? k : n[l - 1];
      this.mats[l] = new LazyGaussianMatrix(n[l], cols, s.sigmaW2 / n[l - 1], PLACEHOLDER_RNG, 2 * k);
    }
    let maxW = 1;
    for (let l = 1; l < L; l++) maxW = Math.max(maxW, n[l]);
    const perInput = (len: number) => Array.from({ length: k }, () => new Float64Array(len));
    this.h = [[]];
    this.x = [this.x0];
    this.delta = [[]];
    this.bias = [new Float64Array(0)];
    this.hA = [[]];
    this.xA = [this.x0];
    this.dA = [[]];
    const xBuf = [perInput(maxW), perInput(maxW)],
      dBuf = [perInput(maxW), perInput(maxW)];
    const tmpBuf = new Float64Array(maxW);
    this.tmp = [tmpBuf];
    for (let l = 1; l < L; l++) {
      this.h.push(perInput(n[l]));
      this.x.push(perInput(n[l]));
      this.delta.push(perInput(n[l]));
      this.hA.push(perInput(n[l]));
      this.bias.push(new Float64Array(this.sdB > 0 ? n[l] : 0));
      this.xA.push(xBuf[l & 1].map((b) => b.subarray(0, n[l])));
      this.dA.push(dBuf[l & 1].map((b) => b.subarray(0, n[l])));
      this.tmp.push(tmpBuf.subarray(0, n[l - 1]));
    }
    this.xGram = new Float64Array(L * kk);
    this.xGramA = new Float64Array(L * kk);
    for (let a = 0; a < k; a++)
      for (let b = 0; b < k; b++) {
        let d = 0;
        for (let j = 0; j < k; j++) d += this.x0[a][j] * this.x0[b][j];
        this.xGram[a * k + b] = d;
        this.xGramA[a * k + b] = d;
      }
    this.deltaTop = new Float64Array(n[L - 1]);
  }

  /**
   * Draws one network and takes the step. Returns false (and leaves theta/thetaAfter partly filled) when a value
   * is not finite even as mantissa and exponent (a divergent step of an activation that is not homogeneous, NaN).
   */
  sample(rng: Rng): boolean {
    try {
      return this.draw(rng);
    } catch (err) {
      // a query vector that overflowed inside the lazy matrix (finite entries, infinite norm): a divergent network
      if (err instanceof RangeError && /non-finite/.test(err.message)) return false;
      throw err;
    }
  }

  /**
   * After a new vector v (and its pre-activation w) of squared norm n2 at exponent e: divides it by 2^k
   * (rescaleBy, gd-step-fast-passes.ts, with the limit of its kind) and returns k, the exponent's increase.
   */
  private rescale(limit: number, len: number, n2: number, e: number, v: Float64Array, w?: Float64Array): number {
    const k = rescaleBy(n2, e, limit);
    if (k !== 0 && n2 !== 0) {
      const s = pow2(-k);
      scaleBy(len, v, s);
      if (w) scaleBy(len, w, s);
    }
    return k;
  }

  private draw(rng: Rng): boolean {
    const { k, mats, h, x, delta, bias, phi, dphi, xGram, ex, ed, sums } = this;
    const { n, cW, cB } = this.s;
    const L = this.depth;

    // ---- before the step: forward h_l = W_l x_{l−1} + b_l, x_l = φ(h_l) (Seleznova & Kutyniok 2022, eq. 3);
    // x_l^a = 2^{ex}·x[l][a], the bias added on the query's exponent
    for (let l = 1; l < L; l++) {
      const W = mats[l],
        nl = n[l],
        bl = bias[l];
      W.reset(rng);
      if (this.sdB > 0) for (let i = 0; i < nl; i++) bl[i] = normalZiggurat(rng) * this.sdB;
      for (let a = 0; a < k; a++) {
        const ha = h[l][a],
          xa = x[l][a],
          e = ex[(l - 1) * k + a];
        W.mulInto(x[l - 1][a], ha);
        if (this.sdB > 0) {
          const bs = pow2(-e);
          for (let i = 0; i < nl; i++) ha[i] += bs * bl[i];
        }
        let n2 = 0;
        for (let i = 0; i < nl; i++) {
          const v = phi(ha[i], e);
          xa[i] = v;
          n2 += v * v;
        }
        ex[l * k + a] = e + this.rescale(this.limitX, nl, n2, e, xa, ha);
      }
      if (!finiteGram(x[l], nl, xGram, l * k * k)) return false;
    }
    const WL = mats[L];
    WL.reset(rng);
    const bL = this.sdB > 0 ? normalZiggurat(rng) * this.sdB : 0;
    const top = L - 1;
    for (let a = 0; a < k; a++) {
      const e = ex[top * k + a];
      WL.mulInto(x[top][a], this.fOut);
      this.outputs[a] = this.fOut[0] + bL * pow2(-e);
      this.outE[a] = e;
    }
    // backward: δ_L = 1, δ_l = φ′(h_l) ⊙ W_{l+1}ᵀ δ_{l+1} (eq. 7); Θ = Σ_l ⟨δ_l^a, δ_l^b⟩(cW_l⟨x_{l−1}^a, x_{l−1}^b⟩ +
    // cB_l) (eq. 19)
    for (let a = 0; a < k; a++)
      for (let b = a; b < k; b++) {
        const e = ex[top * k + a] + ex[top * k + b];
        sums[a * k + b].set(cW[L] * xGram[top * k * k + a * k + b] + cB[L] * pow2(-e), e);
      }
    if (L > 1) {
      WL.mulTInto(this.one, this.deltaTop);
      const nTop = n[top];
      for (let a = 0; a < k; a++) {
        const da = delta[top][a],
          ha = h[top][a];
        let n2 = 0;
        for (let i = 0; i < nTop; i++) {
          const v = dphi(ha[i], ex[top * k + a]) * this.deltaTop[i];
          da[i] = v;
          n2 += v * v;
        }
        ed[top * k + a] = this.rescale(this.limitD, nTop, n2, 0, da);
      }
      for (let l = L - 1; l >= 1; l--) {
        addKernelTerm(delta[l], ed, n[l], l, xGram, ex, cW[l], cB[l], sums);
        if (!Number.isFinite(sums[0].m) || !Number.isFinite(sums[k * k - 1].m)) return false;
        if (l === 1) break; // W₁ᵀδ₁ is never needed
        const W = mats[l],
          nPrev = n[l - 1];
        for (let a = 0; a < k; a++) {
          const dPrev = delta[l - 1][a],
            hPrev = h[l - 1][a];
          W.mulTInto(delta[l][a], dPrev);
          let n2 = 0;
          for (let i = 0; i < nPrev; i++) {
            const v = dPrev[i] * dphi(hPrev[i], ex[(l - 1) * k + a]);
            dPrev[i] = v;
            n2 += v * v;
          }
          const e = ed[l * k + a];
          ed[(l - 1) * k + a] = e + this.rescale(this.limitD, nPrev, n2, e, dPrev);
        }
      }
    }
    if (!(Number.isFinite(sums[0].m) && Number.isFinite(sums[k * k - 1].m) && Number.isFinite(this.outputs[0])))
      return false;

    // ---- the step. App. B.3 (literal): f̃ = αf, L̃ = ½(f − y)²/α², so ε = η(f − y)/α² = 2^{ee}·eps
    const { lr, target, scale } = this.s;
    let eps = (lr * (this.outputs[0] - target * pow2(-this.outE[0]))) / (scale * scale);
    if (!Number.isFinite(eps)) return false;
    let ee = this.outE[0];
    if (this.limitX !== Infinity) {
      // |ε| ≥ 2^512 leaves ε² infinite: bring ε itself to [1, 2) (homogeneous φ only: otherwise h′ is needed at
      // its true scale, and an ε that large takes h′ to ±∞, which a bounded φ maps to ±1 and φ′ to 0)
      const kk = eps * eps === Infinity ? exponentOf(eps) : rescaleBy(eps * eps, ee, this.limitX);
      if (eps !== 0) eps *= pow2(-kk);
      ee += kk;
    }
    return this.afterStep(eps, ee, bL) && this.finish();
  }

  /**
   * Forward and backward through W_l − ε cW_l δ_l x_{l−1}ᵀ, b_l − ε cB_l δ_l (δ, x of input 0 before the step);
   * ε = 2^{ee}·eps. Each combination of terms is taken on the largest of their exponents.
   */
  private afterStep(eps: number, ee: number, bL: number): boolean {
    const { k, mats, h, x, delta, bias, phi, dphi, hA, xA, dA, xGramA, xCross, dCross } = this;
    const { ex, ed, exA, edA, sumsAfter } = this;
    const { n, cW, cB } = this.s;
    const L = this.depth;
    // layer 1: x′₀ = x₀, so h′₁ = h₁ − ε δ₁ (cW₁⟨x₀, x₀^a⟩ + cB₁) needs no new draw
    for (let l = 1; l < L; l++) {
      const nl = n[l],
        d0 = delta[l][0];
      const xPrev = xA[l - 1];
      const xOld = x[l - 1][0];
      const nPrev = l === 1 ? k : n[l - 1];
      for (let a = 0; a < k; a++) {
        let s = 0;
        const xp = xPrev[a];
        for (let j = 0; j < nPrev; j++) s += xOld[j] * xp[j];
        xCross[a] = s;
      }
      for (let a = 0; a < k; a++) {
        const ha = hA[l][a],
          xa = xA[l][a];
        let hE: number;
        if (l === 1) {
          ha.set(h[1][a]);
          hE = ex[k + a];
        } else {
          mats[l].mulInto(xPrev[a], ha);
          hE = exA[(l - 1) * k + a];
          if (this.sdB > 0) {
            const bl = bias[l],
              bs = pow2(-hE);
            for (let i = 0; i < nl; i++) ha[i] += bs * bl[i];
          }
        }
        // − ε δ_l^0 (cW⟨x_{l−1}^0, x′_{l−1}^a⟩ + cB) at exponent cE
        const crossE = ex[(l - 1) * k] + exA[(l - 1) * k + a];
        const c = eps * (cW[l] * xCross[a] + cB[l] * pow2(-crossE));
        const cE = ee + crossE + ed[l * k];
        let n2 = 0;
        if (this.limitX === Infinity && cE > 0 && c !== 0) {
          // φ not homogeneous, δ_l rescaled: h′ at its true scale, ±∞ where it leaves float64 (hE = 0)
          for (let i = 0; i < nl; i++) {
            const v = ha[i] - valueOf(c * d0[i], cE);
            ha[i] = v;
            const xi = phi(v, 0);
            xa[i] = xi;
            n2 += xi * xi;
          }
          exA[l * k + a] = 0;
          continue;
        }
        const E = c === 0 ? hE : Math.max(hE, cE);
        const sh = pow2(hE - E),
          sc = c === 0 ? 0 : c * pow2(cE - E); // a zero term: no 0·∞ from a large cE
        for (let i = 0; i < nl; i++) {
          const v = sh * ha[i] - sc * d0[i];
          ha[i] = v;
          const xi = phi(v, E);
          xa[i] = xi;
          n2 += xi * xi;
        }
        exA[l * k + a] = E + this.rescale(this.limitX, nl, n2, E, xa, ha);
      }
      if (!finiteGram(xA[l], nl, xGramA, l * k * k)) return false;
    }
    // output after the step: f′ = W_L x′_{L−1} + b_L − ε(cW_L⟨x_{L−1}, x′_{L−1}⟩ + cB_L)
    const top = L - 1;
    const xTop = xA[top];
    const nTop = L === 1 ? k : n[top];
    const xOldTop = x[top][0];
    for (let a = 0; a < k; a++) {
      const xp = xTop[a];
      let s = 0;
      for (let j = 0; j < nTop; j++) s += xOldTop[j] * xp[j];
      mats[L].mulInto(xp, this.fOut);
      const fE = exA[top * k + a],
        crossE = ex[top * k] + fE;
      const c = eps * (cW[L] * s + cB[L] * pow2(-crossE)),
        cE = ee + crossE;
      const E = c === 0 ? fE : Math.max(fE, cE);
      this.outputsAfter[a] = this.fOut[0] * pow2(fE - E) + bL * pow2(-E) - (c === 0 ? 0 : c * pow2(cE - E));
      this.outAE[a] = E;
    }
    // backward: δ′_L = 1; W′_Lᵀ·1 = W_Lᵀ·1 − ε cW_L x_{L−1} (δ_L = 1)
    for (let a = 0; a < k; a++)
      for (let b = a; b < k; b++) {
        const e = exA[top * k + a] + exA[top * k + b];
        sumsAfter[a * k + b].set(cW[L] * xGramA[top * k * k + a * k + b] + cB[L] * pow2(-e), e);
      }
    if (L === 1) return true;
    {
      const c = eps * cW[L],
        cE = ee + ex[top * k];
      const E = c === 0 ? 0 : Math.max(0, cE);
      const st = pow2(-E),
        sc = c === 0 ? 0 : c * pow2(cE - E);
      for (let a = 0; a < k; a++) {
        const da = dA[top][a],
          ha = hA[top][a];
        let n2 = 0;
        for (let i = 0; i < nTop; i++) {
          const v = dphi(ha[i], exA[top * k + a]) * (st * this.deltaTop[i] - sc * xOldTop[i]);
          da[i] = v;
          n2 += v * v;
        }
        edA[top * k + a] = E + this.rescale(this.limitD, nTop, n2, E, da);
      }
    }
    for (let l = L - 1; l >= 1; l--) {
      const nl = n[l],
        cur = dA[l];
      addKernelTerm(cur, edA, nl, l, xGramA, exA, cW[l], cB[l], sumsAfter);
      if (!Number.isFinite(sumsAfter[0].m) || !Number.isFinite(sumsAfter[k * k - 1].m)) return false;
      if (l === 1) break;
      // δ′_{l−1} = φ′(h′_{l−1}) ⊙ (W_lᵀδ′_l − ε cW_l x_{l−1} ⟨δ_l, δ′_l⟩)
      const d0 = delta[l][0],
        xOld = x[l - 1][0],
        nPrev = n[l - 1],
        prev = dA[l - 1];
      for (let a = 0; a < k; a++) {
        const da = cur[a];
        let s = 0;
        for (let i = 0; i < nl; i++) s += d0[i] * da[i];
        dCross[a] = s;
      }
      const tmp = this.tmp[l];
      for (let a = 0; a < k; a++) {
        mats[l].mulTInto(cur[a], tmp);
        const tE = edA[l * k + a];
        const c = eps * cW[l] * dCross[a],
          cE = ee + ed[l * k] + tE + ex[(l - 1) * k];
        const E = c === 0 ? tE : Math.max(tE, cE);
        const st = pow2(tE - E),
          sc = c === 0 ? 0 : c * pow2(cE - E);
        const out = prev[a],
          hPrev = hA[l - 1][a];
        let n2 = 0;
        for (let i = 0; i < nPrev; i++) {
          const v = dphi(hPrev[i], exA[(l - 1) * k + a]) * (st * tmp[i] - sc * xOld[i]);
          out[i] = v;
          n2 += v * v;
        }
        edA[(l - 1) * k + a] = E + this.rescale(this.limitD, nPrev, n2, E, out);
      }
    }
    return true;
  }

  /**
   * Hidden layer l (1 ≤ l ≤ L−1) of the last network for input a: h_l, δ_l before the step and h′_l after it.
   * Views into internal buffers: read-only, valid until the next sample(). Mantissas: each is the value divided by
   * 2^exponent (`exponents`), the identity wherever no vector left [2^−limit, 2^limit] in squared norm.
   */
  layer(l: number, a = 0): { h: Float64Array; delta: Float64Array; hAfter: Float64Array } {
    if (!Number.isInteger(l) || l < 1 || l >= this.depth)
      throw new RangeError(`layer index must be an integer in [1, ${this.depth - 1}] (got ${l})`);
    if (!Number.isInteger(a) || a < 0 || a >= this.k)
      throw new RangeError(`input index must be an integer in [0, ${this.k - 1}] (got ${a})`);
    return { h: this.h[l][a], delta: this.delta[l][a], hAfter: this.hA[l][a] };
  }

  /** The binary exponents of layer l's vectors for input a (see layer()). */
  exponents(l: number, a = 0): { h: number; delta: number; hAfter: number } {
    this.layer(l, a);
    const i = l * this.k + a;
    return { h: this.ex[i], delta: this.ed[i], hAfter: this.exA[i] };
  }

  /** Kernel entry t from Θ = m·2^e, Θ′ = mA·2^eA and ΔΘ = d·2^E: the values (±∞ beyond float64) and the logs. */
  private setEntry(t: number, m: number, e: number, mA: number, eA: number, d: number, E: number): void {
    this.theta[t] = valueOf(m, e);
    this.thetaAfter[t] = valueOf(mA, eA);
    this.logTheta[t] = logOf(m, e);
    this.thetaSign[t] = Math.sign(m);
    this.logThetaAfter[t] = logOf(mA, eA);
    this.logAbsDelta[t] = logOf(d, E);
    this.deltaSign[t] = Math.sign(d);
  }

  /**
   * Applies the rescale Θ̃ = α²Θ, f̃ = αf (App. B.3) to the mantissas; writes the values (±∞ beyond float64) and the
   * logarithms. False if a mantissa is not finite.
   */
  private finish(): boolean {
    const { k, sums, sumsAfter, outputs, outputsAfter } = this;
    const a = this.s.scale,
      a2 = a * a;
    for (let i = 0; i < k; i++)
      for (let j = i; j < k; j++) {
        const b = sums[i * k + j],
          c = sumsAfter[i * k + j];
        const m = b.m * a2,
          mA = c.m * a2;
        if (!(Number.isFinite(m) && Number.isFinite(mA))) return false;
        const E = Math.max(b.e, c.e);
        const d = mA * pow2(c.e - E) - m * pow2(b.e - E);
        this.setEntry(i * k + j, m, b.e, mA, c.e, d, E);
        if (j !== i) this.setEntry(j * k + i, m, b.e, mA, c.e, d, E);
      }
    for (let i = 0; i < k; i++) {
      const o = outputs[i] * a,
        oA = outputsAfter[i] * a;
      if (!(Number.isFinite(o) && Number.isFinite(oA))) return false;
      outputs[i] = valueOf(o, this.outE[i]);
      outputsAfter[i] = valueOf(oA, this.outAE[i]);
    }
    return true;
  }
}

/** gram() (lazy-gaussian.ts), false if a diagonal entry is not finite. */
function finiteGram(vs: Float64Array[], len: number, out: Float64Array, off: number): boolean {
  gram(vs, len, out, off);
  const k = vs.length;
  for (let a = 0; a < k; a++) if (!Number.isFinite(out[off + a * k + a])) return false;
  return true;
}

/**
 * Θ_ab += ⟨δ_l^a, δ_l^b⟩(cW·⟨x_{l−1}^a, x_{l−1}^b⟩ + cB) over the first len entries of each δ, on mantissas: δ_l^a at
 * exponent ed[l·k + a], the Gram G of layer l − 1 at exponents ex[(l − 1)·k + a] + ex[(l − 1)·k + b].
 */
function addKernelTerm(
  ds: Float64Array[],
  ed: Float64Array,
  len: number,
  l: number,
  G: Float64Array,
  ex: Float64Array,
  cW: number,
  cB: number,
  theta: ScaledSum[],
): void {
  const k = ds.length;
  const off = (l - 1) * k * k;
  for (let a = 0; a < k; a++)
    for (let b = a; b < k; b++) {
      const da = ds[a],
        db = ds[b];
      let s = 0;
      for (let i = 0; i < len; i++) s += da[i] * db[i];
      const xE = ex[(l - 1) * k + a] + ex[(l - 1) * k + b];
      theta[a * k + b].add(s * (cW * G[off + a * k + b] + cB * pow2(-xE)), ed[l * k + a] + ed[l * k + b] + xE);
    }
}
