import { describe, expect, it } from 'vitest';
import { arrowStep } from './plane-pointer';

describe('arrowStep', () => {
  it('moves one cell per arrow key (σ_w² left/right, λ up/down) and ten with Shift', () => {
    expect(arrowStep('ArrowLeft', false)).toEqual([-1, 0]);
    expect(arrowStep('ArrowRight', false)).toEqual([1, 0]);
    expect(arrowStep('ArrowUp', false)).toEqual([0, 1]);
    expect(arrowStep('ArrowDown', true)).toEqual([0, -10]);
  });

  it('ignores every other key', () => {
    for (const key of ['a', 'Enter', 'Tab', 'PageUp', ' ']) expect(arrowStep(key, false)).toBeNull();
  });
});
