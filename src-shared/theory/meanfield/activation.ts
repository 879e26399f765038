// The activation registry of the signal-propagation theory: an activation is φ, φ′, where they are not smooth,
// and optional closed forms of the NNGP map (see nngp-map.ts). Open to more: `defineActivation` validates a new one.
import { erf, normalCdf, normalPdf } from './erf';

/** Closed forms of 𝒯(Σ) = E[φ(u)φ(v)] and 𝒯̇(Σ) = E[φ′(u)φ′(v)], (u, v) ~ N(0, Σ), Σ = [[s11, s12], [s12, s22]]. */
export interface ClosedForms {
  T(s11: number, s12: number, s22: number): number;
  Tdot(s11: number, s12: number, s22: number): number;
}

export interface Activation {
  readonly name: string;
  phi(x: number): number;
  dphi(x: number): number;
  /** Points where φ or φ′ is not smooth (quadrature panels are split there). */
  readonly kinks: readonly number[];
  /**
   * Distance from the real axis of the nearest complex singularity of φ (tanh π/2, sigmoid π), or, for entire φ,
   * a length over which φ changes shape; sets the quadrature panel width at variance q to ≈ 2·halfWidth/√q.
   */
  readonly analyticHalfWidth: number;
  /** Positively homogeneous of degree 1 (φ(αx) = αφ(x), α > 0): then 𝒯(q·Σ) = q·𝒯(Σ) and χ₁ does not depend on q. */
  readonly homogeneous: boolean;
  readonly closedForms?: ClosedForms;
  /** Optional: φ and φ′ together (out[0] = φ(x), out[1] = φ′(x)) when they share work (tanh, sigmoid: one exp). */
  phiDphi?(x: number, out: Float64Array): void;
}

const INV_2PI = 1 / (2 * Math.PI);

/** Arc-cosine kernel of degree 1 (Cho & Saul 2009): ReLU. */
export const reluClosedForms: ClosedForms = {
  T(s11, s12, s22) {
    const r = Math.sqrt(s11 * s22);
    if (r === 0) return 0;
    const c = Math.max(-1, Math.min(1, s12 / r));
    const theta = Math.acos(c);
    // sin θ = √(1 − c²) is accurate near c = ±1, where acos loses digits
    return r * INV_2PI * (Math.sqrt(Math.max(0, 1 - c * c)) + (Math.PI - theta) * c);
  },
  Tdot(s11, s12, s22) {
    const r = Math.sqrt(s11 * s22);
    if (r === 0) return 0; // a zero variance means u ≡ 0 (or v ≡ 0) and 1{0 > 0} = 0, as the quadrature gives
    const c = Math.max(-1, Math.min(1, s12 / r));
    return (Math.PI - Math.acos(c)) * INV_2PI;
  },
};

/** Williams (1997): the erf network kernel (arcsin) and its derivative kernel. */
export const erfClosedForms: ClosedForms = {
  T(s11, s12, s22) {
    const x = (2 * s12) / Math.sqrt((1 + 2 * s11) * (1 + 2 * s22));
    return (2 / Math.PI) * Math.asin(Math.max(-1, Math.min(1, x)));
  },
  Tdot(s11, s12, s22) {
    return 4 / Math.PI / Math.sqrt((1 + 2 * s11) * (1 + 2 * s22) - 4 * s12 * s12);
  },
};

const linearClosedForms: ClosedForms = { T: (_a, s12) => s12, Tdot: () => 1 };

// SELU constants (Klambauer et al. 2017)
const SELU_LAMBDA = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;

function tanhPrime(x: number): number {
  const a = Math.abs(x);
  if (a > 20) return 4 * Math.exp(-2 * a); // 1 − tanh² = 4e^{−2|x|}/(1 + e^{−2|x|})², without cancellation
  const t = Math.tanh(x);
  return 1 - t * t;
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

const REGISTRY = new Map<string, Activation>();

/** Validate and register an activation (a name may be registered once). Returns it. */
export function defineActivation(a: Activation): Activation {
  if (typeof a.name !== 'string' || !/^[a-z][a-z0-9_-]*$/.test(a.name))
    throw new RangeError(`activation name must be lowercase letters/digits, got ${JSON.stringify(a.name)}`);
  if (REGISTRY.has(a.name)) throw new RangeError(`activation "${a.name}" is already defined`);
  if (!(a.analyticHalfWidth > 0)) throw new RangeError(`activation "${a.name}": analyticHalfWidth must be > 0`);
  if (!a.kinks.every(Number.isFinite)) throw new RangeError(`activation "${a.name}": kinks must be finite`);
  for (const x of [-3, -0.5, 0.25, 2]) {
    if (!Number.isFinite(a.phi(x)) || !Number.isFinite(a.dphi(x)))
      throw new RangeError(`activation "${a.name}": φ or φ′ is not finite at ${x}`);
  }
  REGISTRY.set(a.name, Object.freeze({ ...a }));
  return REGISTRY.get(a.name)!;
}

defineActivation({
  name: 'relu',
  phi: (x) => (x > 0 ? x : 0),
  dphi: (x) => (x > 0 ? 1 : 0),
  kinks: [0],
  analyticHalfWidth: 2,
  homogeneous: true,
  closedForms: reluClosedForms,
});
defineActivation({
  name: 'linear',
  phi: (x) => x,
  dphi: () => 1,
  kinks: [],
  analyticHalfWidth: 2,
  homogeneous: true,
  closedForms: linearClosedForms,
});
defineActivation({
  name: 'erf',
  phi: erf,
  dphi: (x) => 1.1283791670955126 * Math.exp(-x * x),
  kinks: [],
  analyticHalfWidth: 1,
  homogeneous: false,
  closedForms: erfClosedForms,
});
defineActivation({
  name: 'tanh',
  phi: Math.tanh,
  dphi: tanhPrime,
  phiDphi(x, out) {
    const t = Math.tanh(x);
    out[0] = t;
    out[1] = Math.abs(x) > 20 ? 4 * Math.exp(-2 * Math.abs(x)) : 1 - t * t;
  },
  kinks: [],
  analyticHalfWidth: Math.PI / 2,
  homogeneous: false,
});
defineActivation({
  name: 'sigmoid',
  phi: sigmoid,
  dphi: (x) => {
    const s = sigmoid(x);
    return s * (1 - s);
  },
  phiDphi(x, out) {
    const s = sigmoid(x);
    out[0] = s;
    out[1] = s * (1 - s);
  },
  kinks: [],
  analyticHalfWidth: Math.PI,
  homogeneous: false,
});
// GELU (Hendrycks & Gimpel 2016), exact form x·Φ(x): φ′ = Φ(x) + x·pdf(x)
defineActivation({
  name: 'gelu',
  phi: (x) => x * normalCdf(x),
  dphi: (x) => normalCdf(x) + x * normalPdf(x),
  kinks: [],
  analyticHalfWidth: 1,
  homogeneous: false,
});
defineActivation({
  name: 'selu',
  phi: (x) => (x > 0 ? SELU_LAMBDA * x : SELU_LAMBDA * SELU_ALPHA * Math.expm1(x)),
  dphi: (x) => (x > 0 ? SELU_LAMBDA : SELU_LAMBDA * SELU_ALPHA * Math.exp(x)),
  kinks: [0],
  analyticHalfWidth: 2,
  homogeneous: false,
});

/** Names of the registered activations. */
export function activationNames(): string[] {
  return [...REGISTRY.keys()];
}

/** The activation called `name`, or a RangeError listing the known ones. */
export function getActivation(name: string): Activation {
  const a = typeof name === 'string' ? REGISTRY.get(name) : undefined;
  if (!a) throw new RangeError(`unknown activation ${JSON.stringify(name)}; known: ${activationNames().join(', ')}`);
  return a;
}
