// Activations for deep kernel shaping (Martens et al. 2021, DKS): φ, φ′, where φ is not smooth, and the transform
// φ̂(u) = γ(φ(αu + β) + δ) of Sec. 18.1. The lab's activations are read from the mean-field registry; the ones DKS
// needs that the lab lacks (softplus, swish, ELU: Sec. 18.7 and 28.4) are defined here, to be folded into the
// shared registry later.
import { getActivation } from '../meanfield/activation';

export interface DksActivation {
  readonly name: string;
  phi(x: number): number;
  dphi(x: number): number;
  /** Points where φ or φ′ is not smooth (quadrature panels are split there). */
  readonly kinks: readonly number[];
  /** Length over which φ changes shape (sets the quadrature panel width, like the mean-field registry's). */
  readonly halfWidth: number;
  /** Positively homogeneous of degree 1 (ReLU, linear): the transform has 3 effective parameters (Sec. 18.6). */
  readonly homogeneous: boolean;
  /** φ(−x) = −φ(x): its C maps are odd (Corollary 38, case 3). */
  readonly odd: boolean;
}

export interface DksTransform {
  alpha: number;
  beta: number;
  gamma: number;
  delta: number;
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** The activations DKS needs beyond the lab's registry (float64, pure). */
const EXTRA: Record<string, DksActivation> = {
  // softplus log(1 + eˣ), written to avoid overflow for large x
  softplus: {
    name: 'softplus',
    phi: (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))),
    dphi: sigmoid,
    kinks: [],
    halfWidth: Math.PI,
    homogeneous: false,
    odd: false,
  },
  // swish x·σ(x) (Ramachandran et al. 2017): φ′ = σ(x) + x σ(x)(1 − σ(x))
  swish: {
    name: 'swish',
    phi: (x) => x * sigmoid(x),
    dphi: (x) => {
      const s = sigmoid(x);
      return s + x * s * (1 - s);
    },
    kinks: [],
    halfWidth: Math.PI,
    homogeneous: false,
    odd: false,
  },
  // ELU with α = 1 (Clevert et al. 2016): φ′ is continuous at 0 but φ″ is not, so the panels split there
  elu: {
    name: 'elu',
    phi: (x) => (x > 0 ? x : Math.expm1(x)),
    dphi: (x) => (x > 0 ? 1 : Math.exp(x)),
    kinks: [0],
    halfWidth: 2,
    homogeneous: false,
    odd: false,
  },
};

const FROM_REGISTRY = ['relu', 'linear', 'erf', 'tanh', 'sigmoid', 'gelu', 'selu'] as const;
const ODD = new Set(['linear', 'erf', 'tanh']);

/** Names DKS can use: the lab's activations and the extras above. */
export function dksActivationNames(): string[] {
  return [...FROM_REGISTRY, ...Object.keys(EXTRA)];
}

const cache = new Map<string, DksActivation>();

/** The activation called `name`, or a RangeError listing the known ones. */
export function getDksActivation(name: string): DksActivation {
  const hit = cache.get(name);
  if (hit) return hit;
  let act: DksActivation | undefined = EXTRA[name];
  if (!act && (FROM_REGISTRY as readonly string[]).includes(name)) {
    const a = getActivation(name);
    act = {
      name: a.name,
      phi: a.phi,
      dphi: a.dphi,
      kinks: a.kinks,
      halfWidth: a.analyticHalfWidth,
      homogeneous: a.homogeneous,
      odd: ODD.has(a.name),
    };
  }
  if (!act)
    throw new RangeError(`unknown activation ${JSON.stringify(name)}; known: ${dksActivationNames().join(', ')}`);
  cache.set(name, act);
  return act;
}

/**
 * φ̂(u) = γ(φ(αu + β) + δ) (Martens et al. 2021 (DKS), Sec. 18.1), φ̂′(u) = γα φ′(αu + β). Kinks move to
 * (k − β)/α; the shape length to halfWidth/|α|. α = 0 is rejected (φ̂ would be constant).
 */
export function transformActivation(act: DksActivation, t: DksTransform): DksActivation {
  const { alpha, beta, gamma, delta } = t;
  if (![alpha, beta, gamma, delta].every(Number.isFinite) || alpha === 0)
    throw new RangeError(
      `transform (α, β, γ, δ) must be finite with α ≠ 0, got (${alpha}, ${beta}, ${gamma}, ${delta})`,
    );
  return {
    name: `${act.name}^`,
    phi: (u) => gamma * (act.phi(alpha * u + beta) + delta),
    dphi: (u) => gamma * alpha * act.dphi(alpha * u + beta),
    kinks: act.kinks.map((k) => (k - beta) / alpha),
    halfWidth: act.halfWidth / Math.abs(alpha),
    homogeneous: act.homogeneous && beta === 0 && delta === 0,
    odd: act.odd && beta === 0 && delta === 0,
  };
}
