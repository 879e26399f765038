// The deep-kernel-shaping CLI contracts (issue 14, item 5): `ntk-lab dks --json` and `ntk-lab qc-map --json`.
// Add fields, never rename. JSON never carries NaN or ∞: bad input and a missing root are errors, not values.
import { z } from 'zod';

const finite = z.number().refine(Number.isFinite, 'must be finite');

const transform = { alpha: finite, beta: finite, gamma: finite, delta: finite };
const residuals = z.object({ q1: finite, qPrime1: finite, c0: finite, cPrime1: finite });

export const dksResultSchema = z.object({
  activation: z.string(),
  zeta: finite,
  depth: z.number().int(),
  /** 'chain' (μ = ψ^D) or 'resnet' (the modified ResNet of Martens et al. 2021, eq. (20)). */
  architecture: z.enum(['chain', 'resnet']),
  /** The residual-branch weight w of the normalized block sums (shortcut √(1 − w²)); null for a chain. */
  skipWeight: finite.nullable(),
  /** ψ = μ⁻¹(ζ), the local C′(1) every nonlinear layer gets. */
  psi: finite,
  ...transform,
  /** Q(1) − 1, Q′(1) − 1, C(0), C′(1) − ψ of the transformed activation (the first root). */
  residuals,
  /** Every root found, the first being the top-level one; each with its own residuals. */
  roots: z.array(z.object({ ...transform, residuals })),
  /** The conditions enforced: all four, or three for positively homogeneous φ (Q′(1) = 1 dropped, β fixed). */
  conditions: z.array(z.enum(['q1', 'qPrime1', 'c0', 'cPrime1'])),
  note: z.string().optional(),
  /** C′(1) of the transformed activation at q = 1 (= ψ). */
  localCPrime1: finite,
  /** The network's global C′(1) = μ(local C′(1)) (= ζ; ψ^D for a chain). */
  globalCPrime1: finite,
  /** C′(1) of the untransformed activation at q = 1, for comparison (e.g. SELU 1.0716). */
  localCPrime1Untransformed: finite,
});
export type DksResult = z.infer<typeof dksResultSchema>;

export const qcMapResultSchema = z.object({
  activation: z.string(),
  /** (α, β, γ, δ) applied as φ̂(u) = γ(φ(αu + β) + δ), or null for φ itself. */
  transform: z.object(transform).nullable(),
  q: finite,
  c: finite,
  Q: finite,
  QPrime: finite,
  C: finite,
  CPrime: finite,
  C0: finite,
  CPrime1: finite,
  CPrime0: finite,
});
export type QcMapResult = z.infer<typeof qcMapResultSchema>;
