// Slope polynomials and the maximal slope function (Martens et al. 2021 (DKS), Sec. 17 and the recipe of
// Sec. 21.3): with every nonlinear layer at local C′(1) = ψ, a subnetwork's global C′(1) is a polynomial p_f(ψ);
// μ(ψ) = max_f p_f(ψ) over subnetworks is continuous and strictly increasing, and DKS sets ψ = μ⁻¹(ζ) (Sec. 17.3).

/** A network graph for the slope recipe of Sec. 21.3 (rule numbers in brackets). */
export type SlopeNet =
  | { kind: 'input' } // [8] → 1
  | { kind: 'affine' } // [2] → 1
  | { kind: 'nonlinear' } // [3] → ψ
  | { kind: 'layerNorm' } // [6] → 1 (Sec. 19)
  | { kind: 'pool' } // [7] max-pool / weighted mean-pool → 1
  | { kind: 'compose'; parts: SlopeNet[] } // [1] product
  | { kind: 'repeat'; count: number; part: SlopeNet } // [1] applied count times
  | { kind: 'concat'; channels: number[]; branches: SlopeNet[] } // [4] channel-weighted average
  | { kind: 'sum'; weights: number[]; branches: SlopeNet[] }; // [5] normalized sum: Σ wᵢ² p_gᵢ, Σ wᵢ² = 1

/** p_f(ψ) of a graph (Sec. 21.3); throws on a sum that is not normalized (DKS requires Σ wᵢ² = 1, Sec. 17.3). */
export function slopePolynomial(net: SlopeNet, psi: number): number {
  switch (net.kind) {
    case 'input':
    case 'affine':
    case 'layerNorm':
    case 'pool':
      return 1;
    case 'nonlinear':
      return psi;
    case 'compose':
      return net.parts.reduce((p, part) => p * slopePolynomial(part, psi), 1);
    case 'repeat':
      return slopePolynomial(net.part, psi) ** net.count;
    case 'concat': {
      const total = net.channels.reduce((a, b) => a + b, 0);
      return net.branches.reduce((p, b, i) => p + net.channels[i] * slopePolynomial(b, psi), 0) / total;
    }
    case 'sum': {
      const w2 = net.weights.reduce((a, w) => a + w * w, 0);
      if (Math.abs(w2 - 1) > 1e-12) throw new RangeError(`a sum's weights must satisfy Σ w² = 1, got ${w2}`);
      return net.branches.reduce((p, b, i) => p + net.weights[i] ** 2 * slopePolynomial(b, psi), 0);
    }
  }
}

/** The architectures the CLI and the lab offer, each with its μ(ψ). */
export type Architecture =
  /** D nonlinear layers in sequence (Layer Norm layers between them map to 1 and change nothing): μ = ψ^D. */
  | { kind: 'chain'; depth: number }
  /**
   * The modified ResNet-V2 of Sec. 23.2–23.4 with depth D (D ≡ 2 mod 3, D ≥ 14) and normalized block sums
   * w·residual + √(1 − w²)·shortcut: μ(ψ) = (w²ψ³ + 1 − w²)^((D−14)/3) (w²ψ² + 1 − w²)⁴ ψ⁵, eq. (20).
   */
  | { kind: 'resnet'; depth: number; w: number }
  /** μ(ψ) = max over the listed subnetworks of p_f(ψ) (Sec. 21.3; list only those not dividing another's p). */
  | { kind: 'graph'; subnetworks: SlopeNet[] };

export function validateArchitecture(arch: Architecture): void {
  if (arch.kind === 'chain' || arch.kind === 'resnet') {
    if (!(Number.isInteger(arch.depth) && arch.depth >= 1))
      throw new RangeError(`depth must be an integer ≥ 1, got ${String(arch.depth)}`);
  }
  if (arch.kind === 'resnet') {
    if (arch.depth < 14 || (arch.depth - 14) % 3 !== 0)
      throw new RangeError(
        `depth of the modified ResNet (eq. (20)) must be 14, 17, 20, … (D ≡ 2 mod 3, e.g. 50, 101, 152), got ${arch.depth}`,
      );
    if (!(Number.isFinite(arch.w) && arch.w >= 0 && arch.w <= 1))
      throw new RangeError(`skip weight w must be in [0, 1], got ${String(arch.w)}`);
  }
  if (arch.kind === 'graph' && arch.subnetworks.length === 0)
    throw new RangeError('graph architecture needs at least one subnetwork');
}

/** μ(ψ) of the architecture. */
export function maximalSlope(arch: Architecture): (psi: number) => number {
  validateArchitecture(arch);
  switch (arch.kind) {
    case 'chain':
      return (psi) => psi ** arch.depth;
    case 'resnet': {
      const w2 = arch.w * arch.w;
      const blocks = (arch.depth - 14) / 3;
      return (psi) => (w2 * psi ** 3 + 1 - w2) ** blocks * (w2 * psi * psi + 1 - w2) ** 4 * psi ** 5;
    }
    case 'graph':
      return (psi) => Math.max(...arch.subnetworks.map((f) => slopePolynomial(f, psi)));
  }
}

/**
 * ψ = μ⁻¹(ζ) (Sec. 22.3): closed form ζ^(1/D) for a chain; otherwise bisection on [1, 2], doubling the upper end
 * until it brackets, down to adjacent floats (the paper stops at 1e-6 on μ; float64 bisection costs ~60 steps).
 */
export function invertMaximalSlope(arch: Architecture, zeta: number): number {
  if (!(Number.isFinite(zeta) && zeta > 1)) throw new RangeError(`zeta (ζ) must be a finite number > 1, got ${zeta}`);
  validateArchitecture(arch);
  if (arch.kind === 'chain') return zeta ** (1 / arch.depth);
  const mu = maximalSlope(arch);
  if (!(mu(2) > mu(1))) throw new RangeError('μ(ψ) is constant: the architecture has no nonlinear layer on a path');
  let lo = 1;
  let hi = 2;
  while (mu(hi) < zeta) {
    lo = hi;
    hi *= 2;
    if (hi > 1e6) throw new RangeError(`μ(ψ) stays below ζ = ${zeta} up to ψ = 1e6`);
  }
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (mu(mid) < zeta) lo = mid;
    else hi = mid;
  }
  return Math.abs(mu(lo) - zeta) <= Math.abs(mu(hi) - zeta) ? lo : hi;
}
