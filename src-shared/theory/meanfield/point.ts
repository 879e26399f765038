// One point of the (σ_w², σ_b²) plane for an activation, in the shape of the CLI/wire contract
// (src-shared/contract/meanfield.ts): fixed point, χ's, depth scales and phase; null + reason where undefined.
import type { CriticalResult, MeanfieldResult } from '../../contract/meanfield';
import { criticalSigmaW2 } from './critical-curve';
import { depthScales } from './depth-scales';
import { fixedPoint, resolveActivation } from './fixed-point';

export function meanfieldPoint(activation: string, sigmaW2: number, sigmaB2: number): MeanfieldResult {
  const act = resolveActivation(activation);
  const fp = fixedPoint({ activation: act, sigmaW2, sigmaB2 });
  const ds = depthScales(fp);
  const reasons: Record<string, string> = {};
  for (const [k, v] of Object.entries(ds.reasons)) if (v) reasons[k] = v;
  if (fp.kind === 'none') {
    const why = `no finite fixed point: ${fp.reason}`;
    for (const k of ['qStar', 'cStar', 'chiC']) reasons[k] = why;
    if (fp.chi1 === null) reasons.chi1 = `${why} (and χ₁ depends on q for this activation)`;
    return {
      activation: act.name,
      sigmaW2,
      sigmaB2,
      fixedPoint: 'none',
      qStar: null,
      chi1: fp.chi1,
      cStar: null,
      chiC: null,
      xi1: null,
      xiC: null,
      xiStar: null,
      phase: ds.phase,
      reasons,
    };
  }
  if (fp.note) reasons.note = fp.note;
  return {
    activation: act.name,
    sigmaW2,
    sigmaB2,
    fixedPoint: 'finite',
    qStar: fp.qStar,
    chi1: fp.chi1,
    cStar: fp.cStar,
    chiC: fp.chiC,
    xi1: ds.xi1,
    xiC: ds.xiC,
    xiStar: ds.xiStar,
    phase: ds.phase,
    reasons,
  };
}

export function criticalPoint(activation: string, sigmaB2: number): CriticalResult {
  const act = resolveActivation(activation);
  const p = criticalSigmaW2(act, sigmaB2);
  if (p.kind === 'none') return { activation: act.name, sigmaB2, sigmaW2: null, qStar: null, reason: p.reason };
  return { activation: act.name, sigmaB2, sigmaW2: p.sigmaW2, qStar: p.qStar, ...(p.note ? { note: p.note } : {}) };
}
