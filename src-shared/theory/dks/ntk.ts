// The infinite-width NTK of the chain DKS initializes (Martens et al. 2021 (DKS), Sec. 4: weights N(0, 1/k), zero
// biases; here D combined layers z_l = φ(W_l z_{l−1}) and a linear readout f = W_{D+1} z_D, inputs with q₀ = 1),
// with every weight trained in the NTK parametrization (Jacot et al. 2018, Thm 1; Arora et al. 2019, eq. (6) with
// σ_w² = 1, σ_b² = 0):
//   q_l = Q(q_{l−1}),  Θ^(1) = q₀,  Θ^(l+1) = q_l + E[φ′(√q_{l−1} x)²] Θ^(l),   Θ = Θ^(D+1).
// As every width M → ∞, Θ(x, x) of one sampled network tends to this constant, so the dispersion E[Θ²]/E[Θ]² tends to
// 1 (with O(D/M) corrections at finite width). For φ̂ with Q(1) = 1 and C′(1) = ψ: q_l = 1, E[φ̂′(x)²] = ψ and
// Θ = Σ_{j=0}^{D} ψ^j.
import type { DksActivation } from './activations';
import { moments } from './maps';

/** Θ^(l+1) of the NTK recursion for l = 0 … depth (index l); q_l runs from q₀ = 1. */
export function chainNtk(act: DksActivation, depth: number): Float64Array {
  if (!(Number.isInteger(depth) && depth >= 0)) throw new RangeError(`depth (D) must be an integer ≥ 0, got ${depth}`);
  const theta = new Float64Array(depth + 1);
  let q = 1;
  let t = q;
  theta[0] = t;
  for (let l = 1; l <= depth; l++) {
    const m = moments(act, q);
    if (!(m.phi2 > 0 && Number.isFinite(m.phi2)))
      throw new RangeError(`q runs out of range at layer ${l} (Q(q) = ${m.phi2} at q = ${q}): no NTK prediction`);
    // Θ^(l+1) = q_l + E[φ′(√q_{l−1} x)²] Θ^(l), q_l = Q(q_{l−1})
    t = m.phi2 + m.dphi2 * t;
    q = m.phi2;
    if (!Number.isFinite(t)) throw new RangeError(`Θ overflows float64 at layer ${l}: no NTK prediction`);
    theta[l] = t;
  }
  return theta;
}
