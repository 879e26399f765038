// "The point moves" (issue 14, item 3): where φ and the DKS-transformed φ̂ put a network initialized as DKS does
// (weights N(0, 1/k), zero biases: σ_w² = 1, σ_b² = 0) relative to the critical line χ₁ = 1 of mean-field theory
// (Poole et al. 2016; Schoenholz et al. 2017). φ̂ enters the mean-field module as a custom theory activation.
import { activationNames, customActivation, type ActivationSpec } from '../../src-shared/network/activations';
import type { DksActivation } from '../../src-shared/theory/dks';
import {
  criticalCurve,
  fixedPoint,
  lengthMap,
  phaseOfChi1,
  type MeanFieldPhase,
} from '../../src-shared/theory/meanfield';

/** σ_b² values of the small critical-line diagram. */
export const POINT_SIGMA_B2 = [0, 0.025, 0.05, 0.075, 0.1] as const;

export interface PointState {
  /** q* reached from q⁰ = 1 at (σ_w², σ_b²) = (1, 0); null when there is none. */
  qStar: number | null;
  chi1: number | null;
  phase: MeanFieldPhase | null;
  note: string;
  /** The critical line χ₁ = 1 at POINT_SIGMA_B2 (σ_w² or null where this σ_b² has no continuous transition). */
  critical: Array<{ sigmaB2: number; sigmaW2: number | null; reason?: string }>;
}

export interface ShapingPoint {
  before: PointState;
  after: PointState;
}

/** The theory spec of a DKS activation: the registry's entry when it has one, else a custom one. */
function theorySpec(act: DksActivation, name: string): ActivationSpec {
  return customActivation({
    name,
    phi: act.phi,
    dphi: act.dphi,
    kinks: act.kinks,
    analyticHalfWidth: act.halfWidth,
    homogeneous: act.homogeneous,
  });
}

function criticalOf(spec: ActivationSpec | string): PointState['critical'] {
  return criticalCurve(spec, POINT_SIGMA_B2).map((p) =>
    p.kind === 'found'
      ? { sigmaB2: p.sigmaB2, sigmaW2: p.sigmaW2 }
      : { sigmaB2: p.sigmaB2, sigmaW2: null, reason: p.reason },
  );
}

function stateOf(spec: ActivationSpec | string, shaped: boolean): PointState {
  const critical = criticalOf(spec);
  if (shaped && typeof spec !== 'string') {
    // DKS sets Q(1) = 1 and Q′(1) = 1: q = 1 is a tangent fixed point of the length map, so the orbit from q⁰ = 1
    // stays there exactly, while a root search from q⁰ = 1 follows whichever side rounding puts F(1) − 1 on
    const at1 = lengthMap(spec, 1);
    if (Math.abs(at1.T - 1) <= 1e-9) {
      const chi1 = at1.Tdot;
      return {
        qStar: 1,
        chi1,
        phase: phaseOfChi1(chi1),
        note:
          'q* = 1: Q(1) = 1 and Q′(1) = 1 make q = 1 a tangent (one-sided stable) fixed point; χ₁ = C′(1) = ψ ' +
          '(Martens et al. 2021 (DKS), Sec. 18.4)',
        critical,
      };
    }
  }
  const fp = fixedPoint({ activation: spec, sigmaW2: 1, sigmaB2: 0 });
  if (fp.kind === 'none') return { qStar: null, chi1: fp.chi1, phase: null, note: fp.reason, critical };
  return { qStar: fp.qStar, chi1: fp.chi1, phase: phaseOfChi1(fp.chi1), note: fp.note ?? '', critical };
}

const rawCache = new Map<string, PointState>();

/** (q*, χ₁, phase, critical line) of φ and of φ̂ at the DKS initialization (σ_w², σ_b²) = (1, 0). */
export function shapingPoint(act: DksActivation, hat: DksActivation): ShapingPoint {
  let before = rawCache.get(act.name);
  if (!before) {
    const spec = activationNames().includes(act.name) ? act.name : theorySpec(act, act.name);
    before = stateOf(spec, false);
    rawCache.set(act.name, before);
  }
  return { before, after: stateOf(theorySpec(hat, `${act.name}-dks`), true) };
}
