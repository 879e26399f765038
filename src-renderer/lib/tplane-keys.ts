// Arrow keys on the Trainability plane (σ_w², depth): ←/→ step σ_w² by 1/100 of the window (Shift: 1/10), ↑/↓ one
// layer (Shift: ten), clamped to the plotted window. Pure (the plot binds it to keydown).
import { arrowStep } from './plane-pointer';
import type { PlaneAxis, PlaneDomain } from './trainability-view';

export interface TplaneCursor {
  sigmaW2: number;
  depth: number;
}

/** The cursor after `key` (null: not an arrow key). */
export function tplaneKeyStep(
  c: TplaneCursor,
  key: string,
  shift: boolean,
  domain: PlaneDomain,
  axis: PlaneAxis,
  width: number,
): TplaneCursor | null {
  const m = arrowStep(key, shift);
  if (!m) return null;
  const [x0, x1] = domain.x;
  const step = (x1 - x0) / 100;
  const sigmaW2 = Math.round(Math.min(x1, Math.max(x0, c.sigmaW2 + m[0] * step)) * 1e3) / 1e3;
  // the top of the window in layers (the y axis is λ = L/M when axis is 'depthToWidth')
  const top = Math.max(1, Math.floor(axis === 'depth' ? domain.y[1] : domain.y[1] * width));
  const depth = Math.min(top, Math.max(1, Math.round(c.depth) + m[1]));
  return { sigmaW2: Math.max(1e-3, sigmaW2), depth };
}
