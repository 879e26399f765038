// "The point moves" on the Explore and Trainability planes (issue 14, item 3): where a network with φ, and with the
// DKS-transformed φ̂, initialized as DKS does (weights N(0, 1/k), zero biases; Martens et al. 2021 (DKS)) sits
// relative to a plane's critical line χ₁ = 1 (Poole et al. 2016; Schoenholz et al. 2017). The planes' x axis is σ_w²
// for *their* φ and σ_b², and φ̂ is no point of that family, so each marker stands at the σ_w² where the plane's φ at
// its σ_b² has the same χ₁ as the shaped network (χ₁ = ψ for φ̂ at q* = 1): right of the line means chaotic, left
// ordered, on it critical, exactly as for the shaped network. For ReLU with σ_b² = 0 that is σ_w² = 2χ₁. The y
// coordinate is the depth D the transform was solved for (Trainability) or D/M (Explore). Pure; the panels draw it.
import { brent, fixedPoint } from '../../src-shared/theory/meanfield';
import type { ShapingResult } from './kernel-shaping-view';

/** What the Kernel-shaping tab hands to the planes: the settings and the two (q*, χ₁) it computed. */
export interface ShapingMarkerSource {
  /** φ, the activation before the transform. */
  activation: string;
  zeta: number;
  depth: number;
  psi: number;
  before: { qStar: number | null; chi1: number | null };
  after: { qStar: number | null; chi1: number | null };
  /** φ̂ is the user's own (α, β, γ, δ), not a root of the solver. */
  userTransform: boolean;
}

/** The source from the tab's result. */
export function shapingSource(r: ShapingResult): ShapingMarkerSource {
  return {
    activation: r.input.activation,
    zeta: r.input.zeta,
    depth: r.input.depth,
    psi: r.psi,
    before: { qStar: r.point.before.qStar, chi1: r.point.before.chi1 },
    after: { qStar: r.point.after.qStar, chi1: r.point.after.chi1 },
    userTransform: r.input.userTransform !== null,
  };
}

export interface PlaneMarker {
  id: 'before' | 'after';
  /** σ_w² where the plane's φ (at its σ_b²) has this χ₁; null when none lies in the plane's σ_w² window. */
  sigmaW2: number | null;
  /** y in the plane's units (D or D/M), not clamped to the window. */
  y: number;
  chi1: number;
  qStar: number | null;
  label: string;
  /** Why the marker is not drawn ('' when it is). */
  reason: string;
}

const SCAN = 16;
const cache = new Map<string, number | null>();

const chi1At = (activation: string, sigmaW2: number, sigmaB2: number): number | null =>
  fixedPoint({ activation, sigmaW2, sigmaB2 }).chi1;

/**
 * The smallest σ_w² in [lo, hi] at which (φ, σ_b²) has χ₁ = target: a coarse scan for the first sign change of
 * χ₁ − target, then Brent's method to 1e-10. Null when χ₁ does not cross the target in the window. Cached: the planes
 * ask again on every redraw.
 */
export function equalChi1SigmaW2(
  activation: string,
  sigmaB2: number,
  target: number,
  window: readonly [number, number],
): number | null {
  if (!(Number.isFinite(target) && target > 0)) return null;
  const key = `${activation}|${sigmaB2}|${target}|${window[0]}|${window[1]}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const [lo, hi] = window;
  const g = (x: number) => (chi1At(activation, x, sigmaB2) ?? Number.NaN) - target;
  let out: number | null = null;
  let xPrev = lo;
  let gPrev = g(lo);
  for (let i = 1; i <= SCAN && out === null; i++) {
    const x = lo + ((hi - lo) * i) / SCAN;
    const gx = g(x);
    if (gPrev * gx <= 0) out = gPrev === 0 ? xPrev : brent(g, xPrev, x, { xtol: 1e-10 }, gPrev, gx);
    xPrev = x;
    gPrev = gx;
  }
  if (cache.size > 200) cache.clear();
  cache.set(key, out);
  return out;
}

/** The φ (before) and φ̂ (after) markers on a plane of (φ_plane, σ_b²) with the given σ_w² window and y. */
export function planeMarkers(
  src: ShapingMarkerSource,
  plane: { activation: string; sigmaB2: number; window: readonly [number, number] },
  y: number,
): PlaneMarker[] {
  const out: PlaneMarker[] = [];
  for (const id of ['before', 'after'] as const) {
    const s = src[id];
    if (s.chi1 === null) continue;
    const how = src.userTransform ? 'your transform' : `DKS, ζ = ${src.zeta}, D = ${src.depth}`;
    const name = id === 'after' ? `${src.activation}^ (${how})` : src.activation;
    const sigmaW2 = equalChi1SigmaW2(plane.activation, plane.sigmaB2, s.chi1, plane.window);
    out.push({
      id,
      sigmaW2,
      y,
      chi1: s.chi1,
      qStar: s.qStar,
      label: `${name}: χ₁ = ${s.chi1.toPrecision(5)}`,
      reason:
        sigmaW2 === null
          ? `no σ_w² in [${plane.window[0]}, ${plane.window[1]}] where ${plane.activation} at σ_b² = ` +
            `${plane.sigmaB2} has χ₁ = ${s.chi1.toPrecision(5)}`
          : '',
    });
  }
  return out;
}
