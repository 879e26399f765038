// The DKS results the CLI prints (src-shared/contract/dks.ts), computed in one place so other front ends agree.
import type { DksResult, QcMapResult } from '../../contract/dks';
import { getDksActivation, transformActivation, type DksTransform } from './activations';
import { cMap, cMapPrime, localSummary } from './maps';
import { invertMaximalSlope, maximalSlope, type Architecture } from './slope';
import { solveDks } from './solver';

export interface DksPointParams {
  activation: string;
  zeta: number;
  depth: number;
  architecture: 'chain' | 'resnet';
  /** The residual-branch weight w (resnet only). */
  skipWeight?: number;
}

/** ψ, the transform(s) and their residuals (Martens et al. 2021 (DKS), Sec. 17–18); throws RangeError on bad input. */
export function dksPoint(p: DksPointParams): DksResult {
  const act = getDksActivation(p.activation);
  const arch: Architecture =
    p.architecture === 'chain'
      ? { kind: 'chain', depth: p.depth }
      : { kind: 'resnet', depth: p.depth, w: p.skipWeight ?? Number.NaN };
  const psi = invertMaximalSlope(arch, p.zeta);
  const sol = solveDks(act, psi);
  const [first] = sol.roots;
  const local = localSummary(transformActivation(act, first), 1).CPrime1;
  return {
    activation: act.name,
    zeta: p.zeta,
    depth: p.depth,
    architecture: p.architecture,
    skipWeight: p.architecture === 'resnet' ? (p.skipWeight ?? null) : null,
    psi,
    alpha: first.alpha,
    beta: first.beta,
    gamma: first.gamma,
    delta: first.delta,
    residuals: first.residuals,
    roots: sol.roots.map((r) => ({
      alpha: r.alpha,
      beta: r.beta,
      gamma: r.gamma,
      delta: r.delta,
      residuals: r.residuals,
    })),
    conditions: sol.conditions,
    ...(sol.note ? { note: sol.note } : {}),
    localCPrime1: local,
    globalCPrime1: maximalSlope(arch)(local),
    localCPrime1Untransformed: localSummary(act, 1).CPrime1,
  };
}

/** The local maps of φ (or φ̂ under `transform`) at (q, c) (Sec. 6, 8, 11.1). Throws RangeError on bad input. */
export function qcMapPoint(activation: string, q: number, c: number, transform?: DksTransform): QcMapResult {
  const base = getDksActivation(activation);
  const act = transform ? transformActivation(base, transform) : base;
  const s = localSummary(act, q);
  return {
    activation: base.name,
    transform: transform ? { ...transform } : null,
    q,
    c,
    Q: s.Q,
    QPrime: s.QPrime,
    C: cMap(act, c, q, s.Q),
    CPrime: cMapPrime(act, c, q, s.Q),
    C0: s.C0,
    CPrime1: s.CPrime1,
    CPrime0: s.CPrime0,
  };
}
