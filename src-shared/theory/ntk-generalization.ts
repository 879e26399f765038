// The NTK-regime generalization analysis of Seleznova & Kutyniok 2022a ("Analyzing finite neural networks: can we
// trust NTK theory?", Seleznova 2024 thesis §3.1 §5): the infinite-width NTK of a deep fully-connected network in
// standard parametrization is Θ*(X) = αM(Λ + O(1/M)), Λ with κ₁ on the diagonal and κ₂ off it (Lemma 2); its
// condition number is set by κ₁/κ₂, and Theorem 3 gives the variance of the trained output.
//
// Conventions (stated where the text is ambiguous, see the thesis digest §1.2): inputs have per-coordinate second
// moment 1 (q̂⁰ = 1) and covariance c₀ = x_sᵀx_r/n₀ ∈ [0, 1]; the input is not passed through φ; the output layer is
// linear with δ^L = 1; constant hidden width (α_ℓ = 1) and input ratio α₀ = n₀/M.
//   q¹ = σ_w² q̂⁰ + σ_b²,  q̂^ℓ = E φ(u)²,  q^{ℓ+1} = σ_w² q̂^ℓ + σ_b²                       (eqs. 5–6)
//   q¹_sr = σ_w² c₀ + σ_b², q̂^ℓ_sr = E φ(u)φ(v), (u, v) ~ N(0, [[q^ℓ, q^ℓ_sr], [q^ℓ_sr, q^ℓ]]) (eq. 7)
//   p^L = p^L_sr = 1, p^ℓ = σ_w² E φ′(u)² p^{ℓ+1}, p^ℓ_sr = σ_w² E φ′(u)φ′(v) p^{ℓ+1}_sr       (eqs. 8–9)
//   κ₁ = Σ_ℓ α_{ℓ−1} q̂^{ℓ−1} p^ℓ / α, κ₂ = Σ_ℓ α_{ℓ−1} q̂^{ℓ−1}_sr p^ℓ_sr / α, α = Σ_{ℓ=1}^{L−1} α_ℓ α_{ℓ−1} (Lemma 2)
import { getActivation, nngpMap, nngpMapQuadrature, type Activation } from './meanfield/index';

export interface NtkGeneralizationParams {
  activation: string;
  sigmaW2: number;
  sigmaB2: number;
  /** Deepest network, L ≥ 2 weight layers (Lemma 2's α needs one hidden layer). */
  depth: number;
  /** Input covariance c₀ = x_sᵀx_r/n₀ ∈ [0, 1]. */
  inputCovariance: number;
  /** Training-set size S of Theorem 3. */
  samples: number;
  /** α₀ = n₀/M (default 1). */
  alpha0?: number;
  /** Tests only: evaluate every Gaussian expectation by quadrature, ignoring closed forms. */
  forceQuadrature?: boolean;
}

export interface NtkGeneralizationPoint {
  depth: number;
  kappa1: number;
  kappa2: number;
  /** κ₁/κ₂: → 1 (ill-conditioned) in the ordered phase, grows with depth in the chaotic one (Fig. 6). */
  ratio: number;
  /** Condition number of Θ̄* = αM((κ₁ − κ₂)I + κ₂11ᵀ) on S samples: 1 + Sκ₂/(κ₁ − κ₂) (∞ when κ₁ = κ₂). */
  conditionNumber: number;
  /** A = S/(κ₁/κ₂ + S − 1) of Theorem 3. */
  A: number;
  /** Theorem 3: Var(f^{t=∞}(x)) ≈ (1 + A²/S)(q^L − q^L_sr) + (A − 1)² q^L_sr. */
  variance: number;
  /** q^L and q^L_sr: the output's variance and covariance at initialization (Lemma 1). */
  qL: number;
  qLsr: number;
}

function check(p: NtkGeneralizationParams): Activation {
  const act = getActivation(p.activation);
  const finite = (v: number, name: string, ok: boolean, what: string) => {
    if (!(Number.isFinite(v) && ok)) throw new RangeError(`${name} must be ${what} (got ${v})`);
  };
  finite(p.sigmaW2, 'sigmaW2', p.sigmaW2 > 0, 'a finite number > 0');
  finite(p.sigmaB2, 'sigmaB2', p.sigmaB2 >= 0, 'a finite number ≥ 0');
  finite(p.depth, 'depth', Number.isInteger(p.depth) && p.depth >= 2 && p.depth <= 10_000, 'an integer in [2, 10000]');
  finite(p.inputCovariance, 'inputCovariance', p.inputCovariance >= 0 && p.inputCovariance <= 1, 'in [0, 1]');
  finite(p.samples, 'samples', Number.isInteger(p.samples) && p.samples >= 2 && p.samples <= 1e9, 'an integer ≥ 2');
  const alpha0 = p.alpha0 ?? 1;
  finite(alpha0, 'alpha0', alpha0 > 0, 'a finite number > 0');
  return act;
}

/** κ₁, κ₂, their ratio, the condition number and the Theorem 3 variance for every depth 2 … L. */
export function ntkGeneralization(p: NtkGeneralizationParams): NtkGeneralizationPoint[] {
  const act = check(p);
  const map = p.forceQuadrature ? nngpMapQuadrature : nngpMap;
  const { sigmaW2, sigmaB2, depth: Lmax, samples: S } = p;
  const alpha0 = p.alpha0 ?? 1;
  // forward pass: pre-activation (co)variances q^ℓ, q^ℓ_sr for ℓ = 1 … Lmax, and E φ′φ′ there
  const q = new Float64Array(Lmax + 1),
    qsr = new Float64Array(Lmax + 1);
  const qhat = new Float64Array(Lmax + 1),
    qhatSr = new Float64Array(Lmax + 1);
  const chi = new Float64Array(Lmax + 1),
    chiSr = new Float64Array(Lmax + 1);
  qhat[0] = 1;
  qhatSr[0] = p.inputCovariance;
  for (let l = 1; l <= Lmax; l++) {
    q[l] = sigmaW2 * qhat[l - 1] + sigmaB2;
    qsr[l] = Math.min(q[l], sigmaW2 * qhatSr[l - 1] + sigmaB2);
    const diag = map(act, { s11: q[l], s12: q[l], s22: q[l] });
    const pair = map(act, { s11: q[l], s12: qsr[l], s22: q[l] });
    qhat[l] = diag.T;
    qhatSr[l] = pair.T;
    chi[l] = sigmaW2 * diag.Tdot;
    chiSr[l] = sigmaW2 * pair.Tdot;
    if (!Number.isFinite(q[l]) || !Number.isFinite(qhat[l]))
      throw new RangeError(`the forward variance leaves float64 at layer ${l}: lower the depth or σ_w²`);
  }
  const points: NtkGeneralizationPoint[] = [];
  for (let L = 2; L <= Lmax; L++) {
    // backward from δ^L = 1: p^ℓ = Π_{k=ℓ}^{L−1} σ_w² E φ′(h^k)², then Lemma 2's sums
    let p1 = 1,
      p2 = 1,
      k1 = 0,
      k2 = 0;
    for (let l = L; l >= 1; l--) {
      if (l < L) {
        p1 *= chi[l];
        p2 *= chiSr[l];
      }
      const w = l === 1 ? alpha0 : 1;
      k1 += w * qhat[l - 1] * p1;
      k2 += w * qhatSr[l - 1] * p2;
    }
    const alpha = alpha0 + (L - 2);
    const kappa1 = k1 / alpha,
      kappa2 = k2 / alpha;
    const ratio = kappa1 / kappa2;
    const A = S / (ratio + S - 1);
    const variance = (1 + (A * A) / S) * (q[L] - qsr[L]) + (A - 1) ** 2 * qsr[L];
    const gap = kappa1 - kappa2;
    points.push({
      depth: L,
      kappa1,
      kappa2,
      ratio,
      conditionNumber: gap > 0 ? 1 + (S * kappa2) / gap : Number.POSITIVE_INFINITY,
      A,
      variance,
      qL: q[L],
      qLsr: qsr[L],
    });
  }
  return points;
}
