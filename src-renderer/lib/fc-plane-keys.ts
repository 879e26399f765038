// Arrow keys on the (β, L) phase plane of the freeze/chaos tab: ←/→ move β one column of the plotted grid (Shift:
// ten), ↑/↓ one layer (Shift: ten), clamped to the grid. Pure (the plot binds it to keydown).
import { arrowStep } from './plane-pointer';

export interface FcPlaneCursor {
  beta: number;
  depth: number;
}

/**
 * The cursor after `key` on a grid of `betaCount` β values evenly spaced over [0, 1] and depths 1..`maxDepth` (null:
 * not an arrow key). A β between columns steps from its nearest column.
 */
export function fcPlaneKeyStep(
  c: FcPlaneCursor,
  key: string,
  shift: boolean,
  betaCount: number,
  maxDepth: number,
): FcPlaneCursor | null {
  const m = arrowStep(key, shift);
  if (!m) return null;
  const last = Math.max(1, betaCount - 1);
  const column = Math.min(last, Math.max(0, Math.round(c.beta * last) + m[0]));
  const top = Math.max(1, Math.floor(maxDepth));
  const depth = Math.min(top, Math.max(1, Math.min(top, Math.round(c.depth)) + m[1]));
  return { beta: column / last, depth };
}
