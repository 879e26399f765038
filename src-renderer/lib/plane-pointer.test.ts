import { describe, expect, it, vi } from 'vitest';
import type { Cursor } from './plane';
import { arrowStep, PlanePointer } from './plane-pointer';

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

describe('PlanePointer', () => {
  // a wrapper whose box can move; counts how often the box is read (each read may force a layout)
  function setup() {
    const box = { left: 100, top: 50 };
    let reads = 0;
    const element = {
      focus() {},
      setPointerCapture() {},
      releasePointerCapture() {},
      hasPointerCapture: () => true,
      getBoundingClientRect: () => {
        reads++;
        return { left: box.left, top: box.top } as DOMRect;
      },
    } as unknown as HTMLElement;
    const cursors: Cursor[] = [];
    const pointer = new PlanePointer({
      element: () => element,
      cursorAt: (x, y) => ({ sigmaW2: x, depthToWidth: y }),
      pointAt: () => null,
      wantsHover: () => false,
      onCursor: (c) => cursors.push(c),
      onHover: () => {},
      onDragging: () => {},
    });
    const ev = (x: number, y: number) =>
      ({ button: 0, pointerId: 1, pointerType: 'mouse', clientX: x, clientY: y, preventDefault() {} }) as PointerEvent;
    return { box, pointer, cursors, ev, reads: () => reads };
  }

  it('reads the plot box once per drag and maps every move through it', () => {
    const frames: FrameRequestCallback[] = [];
    vi.stubGlobal('requestAnimationFrame', (f: FrameRequestCallback) => frames.push(f));
    vi.stubGlobal('cancelAnimationFrame', () => {});
    try {
      const { box, pointer, cursors, ev, reads } = setup();
      pointer.down(ev(110, 60));
      for (let i = 1; i <= 5; i++) {
        pointer.move(ev(110 + i, 60 + i));
        frames.shift()?.(0);
      }
      pointer.up(ev(120, 70));
      expect(reads()).toBe(1);
      expect(cursors.map((c) => [c.sigmaW2, c.depthToWidth])).toEqual([
        [10, 10],
        [11, 11],
        [12, 12],
        [13, 13],
        [14, 14],
        [15, 15],
        [20, 20],
      ]);
      // the plot moved between drags: the next drag reads the new box
      box.left = 0;
      pointer.down(ev(30, 60));
      pointer.up(ev(30, 60));
      expect(reads()).toBe(2);
      expect(cursors.at(-1)).toEqual({ sigmaW2: 30, depthToWidth: 10 });
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('reads the box again when the page scrolls under a drag', () => {
    const listeners = new Map<string, () => void>();
    vi.stubGlobal('addEventListener', (type: string, f: () => void) => listeners.set(type, f));
    vi.stubGlobal('removeEventListener', (type: string) => listeners.delete(type));
    vi.stubGlobal('requestAnimationFrame', (f: FrameRequestCallback) => f(0));
    try {
      const { box, pointer, cursors, ev, reads } = setup();
      pointer.down(ev(110, 60));
      box.top = 0; // scrolled by 50 px
      listeners.get('scroll')?.();
      pointer.move(ev(110, 60));
      expect(reads()).toBe(2);
      expect(cursors.at(-1)).toEqual({ sigmaW2: 10, depthToWidth: 60 });
      pointer.up(ev(110, 60));
      expect(listeners.size).toBe(0);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
