// The class-sorted NTK heat maps (Seleznova & Kutyniok 2022, Fig. 4) as a vector figure: one layout shared by the
// on-screen canvas and the export; the export writes every title, digit label and colour-bar range as SVG text and
// each map's 100 × 100 cells as one pixelated raster (pure: the rasters come in as data: URLs).
import { formatNumber } from '../lib/format';
import { cellImage, el, esc, lutGradient, sigmaW2Text, svgDocument, text } from './svg-build';

export const KERNEL_MAPS = { left: 78, gap: 18, title: 16, digits: 12, bar: 26 } as const;

export interface KernelMapsLayout {
  width: number;
  height: number;
  /** Side of one map. */
  side: number;
  rowH: number;
}

/** Map size for a drawing `width` wide with `cols` steps and `rows` runs (the width grows if maps need more). */
export function kernelMapsLayout(width: number, cols: number, rows: number): KernelMapsLayout {
  const { left, gap, title, digits, bar } = KERNEL_MAPS;
  const n = Math.max(1, cols);
  const side = Math.max(60, Math.min(230, Math.floor((width - left - n * (digits + gap)) / n)));
  const rowH = title + digits + side + bar + 8;
  return {
    width: Math.max(width, left + n * (side + digits + gap)),
    height: Math.max(60, rows * rowH + 4),
    side,
    rowH,
  };
}

/** Top-left corner of map (r, c). */
export function kernelMapOrigin(l: KernelMapsLayout, r: number, c: number): { x: number; y: number } {
  const { left, gap, title, digits } = KERNEL_MAPS;
  return { x: left + c * (l.side + digits + gap) + digits, y: r * l.rowH + 2 + title + digits };
}

/** Every how many class blocks a digit label fits (labels print at the figure's font size, ~11 px wide slots). */
export function digitStride(side: number): number {
  const slot = side / 10;
  return slot >= 8 ? 1 : slot >= 4 ? 2 : 5;
}

export interface KernelMapCell {
  /** PNG data: URL of the map's cells only (n × n, upscaled by a whole factor), or null when there is no kernel. */
  href: string | null;
  range: { min: number; max: number } | null;
  note: string;
}

export interface KernelMapsFigure {
  layout: KernelMapsLayout;
  runs: readonly { sigmaW2: number; colour: string }[];
  steps: readonly number[];
  /** Row-major: runs × steps. */
  cells: readonly KernelMapCell[];
  lut: Uint8Array;
  title: string;
}

const INK = '#1b2129';
const MUTED = '#57606c';

export function kernelMapsSvg(f: KernelMapsFigure): string {
  const l = f.layout;
  const stride = digitStride(l.side);
  let body = `<defs>${lutGradient('kernel-ramp', f.lut)}</defs>`;
  f.runs.forEach((run, r) => {
    const rowTop = r * l.rowH + 2;
    const { y: top } = kernelMapOrigin(l, r, 0);
    body += text(2, top + l.side / 2 + 4, sigmaW2Text(String(run.sigmaW2), 12), {
      'font-size': 12,
      'font-weight': 600,
      fill: run.colour,
    });
    f.steps.forEach((step, c) => {
      const cell = f.cells[r * f.steps.length + c];
      const { x: x0 } = kernelMapOrigin(l, r, c);
      body += text(x0 + l.side / 2, rowTop + 12, esc(`step ${step}`), {
        'font-size': 12,
        'text-anchor': 'middle',
        fill: INK,
      });
      for (let b = 0; b < 10; b += stride) {
        const mid = ((b + 0.5) * l.side) / 10;
        const a = { 'font-size': 9, fill: MUTED };
        body += text(x0 + mid, top - 3, String(b), { ...a, 'text-anchor': 'middle' });
        body += text(x0 - 3, top + mid + 3, String(b), { ...a, 'text-anchor': 'end' });
      }
      if (!cell?.href || !cell.range) {
        body += el('rect', { x: x0, y: top, width: l.side, height: l.side, fill: '#f1f2f4' });
        body += text(x0 + l.side / 2, top + l.side / 2 + 4, esc(cell?.note ?? ''), {
          'font-size': 11,
          'text-anchor': 'middle',
          fill: cell?.note.startsWith('diverged') ? '#b42318' : '#8a929d',
        });
        return;
      }
      body += cellImage(cell.href, x0, top, l.side, l.side, `${r},${c}`);
      // thin lines between the 10 class blocks
      let d = '';
      for (let b = 1; b < 10; b++) {
        const p = (b * l.side) / 10;
        d += `M${x0 + p},${top}V${top + l.side}M${x0},${top + p}H${x0 + l.side}`;
      }
      body += el('path', { d, fill: 'none', stroke: '#ffffff', 'stroke-opacity': 0.75, 'stroke-width': 0.6 });
      // this map's own colour range
      const barY = top + l.side + 4;
      body += el('rect', { x: x0, y: barY, width: l.side, height: 6, fill: 'url(#kernel-ramp)' });
      const a = { 'font-size': 10, fill: MUTED };
      body += text(x0, barY + 17, esc(formatNumber(cell.range.min, 3)), { ...a, 'text-anchor': 'start' });
      body += text(x0 + l.side, barY + 17, esc(formatNumber(cell.range.max, 3)), { ...a, 'text-anchor': 'end' });
    });
  });
  return svgDocument(l.width, l.height, f.title, body);
}
