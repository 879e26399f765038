import { describe, expect, it } from 'vitest';
import { tplaneKeyStep } from './tplane-keys';

const domain = { x: [0.5, 4] as [number, number], y: [0, 100] as [number, number] };

describe('tplaneKeyStep', () => {
  it('steps σ_w² by 1/100 of the window and depth by one layer; Shift by ten', () => {
    const c = { sigmaW2: 2, depth: 10 };
    expect(tplaneKeyStep(c, 'ArrowRight', false, domain, 'depth', 200)).toEqual({ sigmaW2: 2.035, depth: 10 });
    expect(tplaneKeyStep(c, 'ArrowLeft', true, domain, 'depth', 200)).toEqual({ sigmaW2: 1.65, depth: 10 });
    expect(tplaneKeyStep(c, 'ArrowUp', false, domain, 'depth', 200)).toEqual({ sigmaW2: 2, depth: 11 });
    expect(tplaneKeyStep(c, 'ArrowDown', true, domain, 'depth', 200)).toEqual({ sigmaW2: 2, depth: 1 });
    expect(tplaneKeyStep(c, 'a', false, domain, 'depth', 200)).toBeNull();
  });
  it('stays inside the window (λ axis: its top is λ_max·M layers)', () => {
    expect(tplaneKeyStep({ sigmaW2: 3.99, depth: 100 }, 'ArrowRight', true, domain, 'depth', 200)).toEqual({
      sigmaW2: 4,
      depth: 100,
    });
    expect(tplaneKeyStep({ sigmaW2: 2, depth: 100 }, 'ArrowUp', false, domain, 'depth', 200)?.depth).toBe(100);
    const lam = { x: [0.5, 4] as [number, number], y: [0, 0.3] as [number, number] };
    expect(tplaneKeyStep({ sigmaW2: 2, depth: 60 }, 'ArrowUp', true, lam, 'depthToWidth', 200)?.depth).toBe(60);
  });
});
