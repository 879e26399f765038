import { describe, expect, it } from 'vitest';
import { alongPolyline, around, placeLabel, type Box } from './label-placement';

const panel: Box = { x0: 0, y0: 0, x1: 300, y1: 200 };
const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

describe('placeLabel', () => {
  // a flat curve at y = 100 with data points hugging it just above on the right half
  const anchors = Array.from({ length: 31 }, (_, k) => ({ x: k * 10, y: 100, bounds: panel, rank: k }));
  const points = Array.from({ length: 15 }, (_, k) => around(160 + k * 10, 95, 3.5));

  it('moves the label off the points, staying next to its curve', () => {
    const spot = placeLabel(anchors, 80, 11, points, [])!;
    expect(spot.overlaps).toBe(0);
    for (const p of points) expect(overlaps(spot.box, p)).toBe(false);
    expect(Math.min(Math.abs(spot.box.y1 - 100), Math.abs(spot.box.y0 - 100))).toBeLessThanOrEqual(3); // nearest gap
    expect(spot.box.x0).toBeGreaterThanOrEqual(0);
  });

  it('prefers the highest rank among free spots and never stacks two labels', () => {
    const first = placeLabel(anchors, 80, 11, [], [])!;
    expect(first.x).toBe(260); // the right-most anchor whose box fits in the panel
    const second = placeLabel(anchors, 80, 11, [], [first.box])!;
    expect(overlaps(first.box, second.box)).toBe(false);
  });

  it('goes farther from the curve when both sides near it are taken, and null when nothing fits', () => {
    const wall = alongPolyline(
      [
        [0, 92],
        [300, 92],
      ],
      4,
      6,
    ).concat(
      alongPolyline(
        [
          [0, 108],
          [300, 108],
        ],
        4,
        6,
      ),
    );
    const spot = placeLabel(anchors, 80, 11, wall, [])!;
    expect(spot.overlaps).toBe(0);
    expect(placeLabel(anchors, 400, 11, [], [])).toBeNull(); // wider than the panel
  });
});
