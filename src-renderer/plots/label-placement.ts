// Places a curve's text label next to its curve where it covers the fewest data marks (pure, no DOM): candidates
// just above and just below sampled points of the curve, inside the panel, scored by the obstacles (points, error
// bars, other curves) and labels already placed that their box overlaps.

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface LabelAnchor {
  /** A point on the curve, in SVG coordinates. */
  x: number;
  y: number;
  /** The panel the label must stay inside. */
  bounds: Box;
  /** Preference among equally free spots (higher wins): e.g. the last panel, the right end. */
  rank: number;
}

export interface PlacedLabel {
  /** Centre x and baseline y for text-anchor="middle". */
  x: number;
  y: number;
  box: Box;
  /** How many obstacles the chosen box still overlaps (0: free). */
  overlaps: number;
}

const overlap = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
const inside = (a: Box, b: Box) => a.x0 >= b.x0 && a.x1 <= b.x1 && a.y0 >= b.y0 && a.y1 <= b.y1;

/** A box around a point or a segment's sample, `r` px each way. */
export function around(x: number, y: number, r: number): Box {
  return { x0: x - r, y0: y - r, x1: x + r, y1: y + r };
}

/** Boxes every `step` px along a polyline, so a steep line blocks only where it passes. */
export function alongPolyline(pts: readonly (readonly [number, number])[], step = 5, r = 1.5): Box[] {
  const out: Box[] = [];
  for (let k = 0; k + 1 < pts.length; k++) {
    const [xa, ya] = pts[k];
    const [xb, yb] = pts[k + 1];
    const n = Math.max(1, Math.ceil(Math.hypot(xb - xa, yb - ya) / step));
    for (let i = 0; i <= n; i++) out.push(around(xa + ((xb - xa) * i) / n, ya + ((yb - ya) * i) / n, r));
  }
  return out;
}

/** Gaps between the curve and the label's box tried, nearest first (px). */
const GAPS = [3, 10, 18, 28, 40, 55, 75, 100];

/**
 * The best spot for a label `textW` × `textH` px: fewest overlapped obstacles, never on a placed label when a free
 * spot exists, then nearest its curve, then the highest-ranked anchor. null when no candidate fits in its panel.
 */
export function placeLabel(
  anchors: readonly LabelAnchor[],
  textW: number,
  textH: number,
  obstacles: readonly Box[],
  placed: readonly Box[],
): PlacedLabel | null {
  let best: PlacedLabel | null = null;
  let bestScore = Infinity;
  let bestRank = -Infinity;
  for (const a of anchors) {
    for (let gi = 0; gi < GAPS.length * 2; gi++) {
      const gap = GAPS[gi >> 1];
      const below = (gi & 1) === 1;
      // the box's bottom `gap` px above the curve, or its top `gap` px below it
      const baseline = below ? a.y + gap + textH * 0.8 : a.y - gap - textH * 0.2;
      const box = { x0: a.x - textW / 2, x1: a.x + textW / 2, y0: baseline - textH * 0.8, y1: baseline + textH * 0.2 };
      if (!inside(box, a.bounds)) continue;
      let hits = 0;
      for (const o of obstacles) if (overlap(box, o)) hits++;
      let clashes = 0;
      for (const p of placed) if (overlap(box, p)) clashes++;
      const score = 1000 * hits + 1e6 * clashes + gap;
      if (score < bestScore || (score === bestScore && a.rank > bestRank)) {
        best = { x: a.x, y: baseline, box, overlaps: hits };
        bestScore = score;
        bestRank = a.rank;
      }
    }
  }
  return best;
}
