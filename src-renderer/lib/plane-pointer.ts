// Pointer and keyboard input of a plane plot (PhasePlane.svelte): drag the cursor with mouse, touch or pen (one
// update per animation frame while dragging, the release point exactly), hover for a readout, arrow keys step cells.
import type { Cursor } from './plane';

export interface PlanePointerHost {
  /** The element that takes pointer capture and focus (the plot's wrapper). */
  element(): HTMLElement;
  /** The cursor at a point given in the element's coordinates (clamped and rounded as the host likes). */
  cursorAt(x: number, y: number): Cursor;
  /** The plotted point at a point in the element's coordinates, or null outside the axes. */
  pointAt(x: number, y: number): Cursor | null;
  /** Whether hovering should report points (e.g. a measured layer is shown). */
  wantsHover(): boolean;
  onCursor(c: Cursor): void;
  onHover(c: Cursor | null): void;
  onDragging(dragging: boolean): void;
}

/** Cells an arrow key moves the cursor (σ_w² steps, λ steps); Shift moves ten. null: not an arrow key. */
export function arrowStep(key: string, shift: boolean): [number, number] | null {
  const n = shift ? 10 : 1;
  const moves: Record<string, [number, number]> = {
    ArrowLeft: [-n, 0],
    ArrowRight: [n, 0],
    ArrowUp: [0, n],
    ArrowDown: [0, -n],
  };
  return moves[key] ?? null;
}

export class PlanePointer {
  #pending: { x: number; y: number } | null = null;
  #frame = 0;
  #dragging = false;

  constructor(private readonly host: PlanePointerHost) {}

  /** The element's box during a drag: read once at pointerdown, so the drag's frames force no extra layout. */
  #dragBox: DOMRect | null = null;

  #local(clientX: number, clientY: number): { x: number; y: number } {
    let r = this.#dragBox;
    if (!r) {
      r = this.host.element().getBoundingClientRect();
      if (this.#dragging) this.#dragBox = r;
    }
    return { x: clientX - r.left, y: clientY - r.top };
  }

  /** The page scrolled or resized under a drag: read the box again at the next move. */
  readonly #forgetBox = (): void => {
    this.#dragBox = null;
  };

  #cursorAt(clientX: number, clientY: number): Cursor {
    const p = this.#local(clientX, clientY);
    return this.host.cursorAt(p.x, p.y);
  }

  #schedule(clientX: number, clientY: number): void {
    this.#pending = { x: clientX, y: clientY };
    if (this.#frame) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      if (this.#pending) this.host.onCursor(this.#cursorAt(this.#pending.x, this.#pending.y));
      this.#pending = null;
    });
  }

  #setDragging(d: boolean): void {
    this.#dragging = d;
    this.#dragBox = null;
    // globalThis: the unit tests run without a window
    if (d) {
      globalThis.addEventListener?.('scroll', this.#forgetBox, { capture: true, passive: true });
      globalThis.addEventListener?.('resize', this.#forgetBox, { passive: true });
    } else {
      globalThis.removeEventListener?.('scroll', this.#forgetBox, { capture: true });
      globalThis.removeEventListener?.('resize', this.#forgetBox);
    }
    this.host.onDragging(d);
  }

  down(e: PointerEvent): void {
    if (e.button !== 0) return;
    const el = this.host.element();
    // the drag's box is read before focus and the dragging state change the style: a clean layout, nothing forced
    this.#setDragging(true);
    const c = this.#cursorAt(e.clientX, e.clientY);
    el.focus({ preventScroll: true });
    el.setPointerCapture(e.pointerId);
    e.preventDefault();
    this.host.onCursor(c);
  }

  move(e: PointerEvent): void {
    if (this.host.wantsHover() && e.pointerType === 'mouse') {
      const p = this.#local(e.clientX, e.clientY);
      this.host.onHover(this.#dragging ? null : this.host.pointAt(p.x, p.y));
    }
    if (!this.#dragging || !this.host.element().hasPointerCapture(e.pointerId)) return;
    this.#schedule(e.clientX, e.clientY);
  }

  #end(e: PointerEvent): boolean {
    if (!this.#dragging) return false;
    this.#setDragging(false);
    const el = this.host.element();
    if (el.hasPointerCapture(e.pointerId)) el.releasePointerCapture(e.pointerId);
    if (this.#frame) cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    this.#pending = null;
    return true;
  }

  up(e: PointerEvent): void {
    // the release point is where the cursor lands (the last rAF may not have run yet)
    if (!this.#dragging) return;
    const c = this.#cursorAt(e.clientX, e.clientY); // through the drag's box, before #end forgets it
    this.#end(e);
    this.host.onCursor(c);
  }

  /** The browser took the gesture over: keep the last applied position. */
  cancel(e: PointerEvent): void {
    this.#end(e);
  }
}
