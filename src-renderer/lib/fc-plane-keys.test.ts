import { describe, expect, it } from 'vitest';
import { fcPlaneKeyStep } from './fc-plane-keys';

describe('fcPlaneKeyStep', () => {
  it('steps β one grid column and L one layer; Shift by ten', () => {
    const c = { beta: 0.5, depth: 10 };
    expect(fcPlaneKeyStep(c, 'ArrowRight', false, 41, 30)).toEqual({ beta: 0.525, depth: 10 });
    expect(fcPlaneKeyStep(c, 'ArrowLeft', true, 41, 30)).toEqual({ beta: 0.25, depth: 10 });
    expect(fcPlaneKeyStep(c, 'ArrowUp', false, 41, 30)).toEqual({ beta: 0.5, depth: 11 });
    expect(fcPlaneKeyStep(c, 'ArrowDown', true, 41, 30)).toEqual({ beta: 0.5, depth: 1 });
    expect(fcPlaneKeyStep(c, 'Enter', false, 41, 30)).toBeNull();
  });

  it('stays on the grid: β in [0, 1] on a column, L in 1..maxDepth', () => {
    expect(fcPlaneKeyStep({ beta: 0.97, depth: 30 }, 'ArrowRight', true, 41, 30)).toEqual({ beta: 1, depth: 30 });
    expect(fcPlaneKeyStep({ beta: 0.02, depth: 1 }, 'ArrowLeft', false, 41, 30)).toEqual({ beta: 0, depth: 1 });
    expect(fcPlaneKeyStep({ beta: 0.5, depth: 30 }, 'ArrowUp', false, 41, 30)?.depth).toBe(30);
    // a depth beyond the plotted rows (set in the field) steps down from the top row
    expect(fcPlaneKeyStep({ beta: 0.5, depth: 80 }, 'ArrowDown', false, 41, 30)?.depth).toBe(29);
    // β off the grid (typed) moves from its nearest column: 0.11 → column 4 of 40 (0.1) → 0.125
    expect(fcPlaneKeyStep({ beta: 0.11, depth: 5 }, 'ArrowRight', false, 41, 30)?.beta).toBe(0.125);
  });
});
