// The edge-of-chaos initialization of a DKS activation (any of theory/dks/activations.ts, registry or not): σ_w² on
// the critical line χ₁ = 1 at a given σ_b² (Poole et al. 2016; meanfield/critical-curve.ts), the "EOC" baseline of
// the training comparison. Shared by the dks-train job and the Kernel-shaping tab, so both agree when there is none.
import { activationNames, customActivation } from '../../network/activations';
import { criticalSigmaW2, type CriticalPoint } from '../meanfield';
import { getDksActivation } from './activations';

const cache = new Map<string, CriticalPoint>();

/** The critical point of φ at σ_b² (kind 'none' with the reason when the line does not exist there). */
export function dksEocPoint(activation: string, sigmaB2: number): CriticalPoint {
  const key = `${activation}|${sigmaB2}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const act = getDksActivation(activation);
  const spec = activationNames().includes(activation)
    ? activation
    : customActivation({
        name: activation,
        phi: act.phi,
        dphi: act.dphi,
        kinks: act.kinks,
        analyticHalfWidth: act.halfWidth,
        homogeneous: act.homogeneous,
      });
  const p = criticalSigmaW2(spec, sigmaB2);
  cache.set(key, p);
  return p;
}
