// The frame every SVG plot card shares: its drawing follows the size of the box it sits in.

export interface PlotSize {
  w: number;
  h: number;
}

/**
 * Watch `el`'s content box and call `onSize` with it (rounded to whole pixels) whenever it is non-empty and differs
 * from `current()`. Returns the disconnect, so `$effect(() => observeSize(...))` tears it down.
 */
export function observeSize(el: Element, current: () => PlotSize, onSize: (size: PlotSize) => void): () => void {
  const ro = new ResizeObserver((entries) => {
    const r = entries[0].contentRect;
    const w = Math.round(r.width);
    const h = Math.round(r.height);
    const now = current();
    if (w > 0 && h > 0 && (w !== now.w || h !== now.h)) onSize({ w, h });
  });
  ro.observe(el);
  return () => ro.disconnect();
}
