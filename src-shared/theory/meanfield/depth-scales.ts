// Depth scales and phase from a fixed point (Xiao et al. 2020, §2, §4, Table 1):
//   ξ₁  = −1/log χ₁          (ordered phase: how fast K and Θ forget the input; trainability, Fig. 3 left side)
//   ξ_c* = −1/log χ_c*        (NNGP off-diagonal convergence, Xiao et al. 2020, §2; χ_c* is the slope at c*, "always <
// 1")
//   ξ*  = −1/(log χ_c* − log χ₁)  (chaotic phase: generalization depth, Xiao et al. 2020, §4.1 and footnote 4; the χ_c
// in
//                                  this formula is χ_c* = σ_w²𝒯̇ at the off-diagonal fixed point q*_ab = c*q*)
// A scale that does not exist is null with a reason (never ∞ or a negative "depth").
import { CRITICAL_TOLERANCE, type FixedPoint } from './fixed-point';

export const MEANFIELD_PHASES = ['ordered', 'critical', 'chaotic'] as const;
export type MeanFieldPhase = (typeof MEANFIELD_PHASES)[number];

/** Phase by χ₁ (Xiao et al. 2020, §2): < 1 ordered, = 1 (within tolerance) critical, > 1 chaotic. */
export function phaseOfChi1(chi1: number, tolerance = CRITICAL_TOLERANCE): MeanFieldPhase {
  if (!Number.isFinite(chi1) || chi1 < 0) throw new RangeError(`χ₁ must be a finite number ≥ 0, got ${chi1}`);
  if (Math.abs(chi1 - 1) <= tolerance) return 'critical';
  return chi1 < 1 ? 'ordered' : 'chaotic';
}

export interface DepthScales {
  phase: MeanFieldPhase | null;
  xi1: number | null;
  xiC: number | null;
  xiStar: number | null;
  /** Why each null is null (absent when all three exist). */
  reasons: { xi1?: string; xiC?: string; xiStar?: string; phase?: string };
}

/** −1/log x for 0 < x < 1 (log1p near 1 keeps the digits of a long depth scale). */
function decayScale(x: number): number {
  return x > 0.5 ? -1 / Math.log1p(x - 1) : -1 / Math.log(x);
}

export function depthScales(fp: FixedPoint): DepthScales {
  if (fp.kind === 'none') {
    const phase = fp.chi1 === null ? null : phaseOfChi1(fp.chi1);
    const reason = `no finite fixed point: ${fp.reason}`;
    return {
      phase,
      xi1: null,
      xiC: null,
      xiStar: null,
      reasons: { xi1: reason, xiC: reason, xiStar: reason, ...(phase === null ? { phase: reason } : {}) },
    };
  }
  const { chi1, chiC } = fp;
  const phase = phaseOfChi1(chi1);
  const reasons: DepthScales['reasons'] = {};
  let xi1: number | null = null;
  let xiC: number | null = null;
  let xiStar: number | null = null;
  if (chi1 === 0) reasons.xi1 = 'χ₁ = 0: perturbations vanish after one layer (ξ₁ = 0⁺)';
  else if (phase === 'ordered') xi1 = decayScale(chi1);
  else
    reasons.xi1 =
      phase === 'critical' ? 'χ₁ = 1: ξ₁ diverges (critical line)' : 'χ₁ > 1: perturbations grow, no decay depth';
  if (chiC > 0 && chiC < 1 && Math.abs(chiC - 1) > CRITICAL_TOLERANCE) xiC = decayScale(chiC);
  else reasons.xiC = chiC === 0 ? 'χ_c* = 0' : 'χ_c* = 1: ξ_c* diverges';
  if (phase === 'chaotic' && chiC > 0) xiStar = -1 / (Math.log(chiC) - Math.log(chi1));
  else
    reasons.xiStar =
      phase === 'chaotic' ? 'χ_c* = 0' : 'ξ* is the chaotic-phase scale (χ_c* = χ₁ here, it would diverge)';
  return { phase, xi1, xiC, xiStar, reasons };
}
