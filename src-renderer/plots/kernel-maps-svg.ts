// The class-sorted NTK heat maps (Seleznova & Kutyniok 2022, Fig. 4) as a vector figure: one layout shared by the
// on-screen canvas and the export; the export writes every title, digit label and colour-bar range as SVG text and
// each map's 100 × 100 cells as one pixelated raster (pure: the rasters come in as data: URLs).
import { formatNumber } from '../lib/format';
import { cellImage, el, esc, lutGradient, sigmaW2Text, svgDocument, text, textWidthEm } from './svg-build';

export const KERNEL_MAPS = { left: 78, gap: 18, title: 16, digits: 12, bar: 26 } as const;

export interface KernelMapsLayout {
  width: number;
  height: number;
  /** Side of one map. */
  side: number;
  rowH: number;
  /** Row-title column, step-title band, digit band (above and left of each map), colour-bar band under it. */
  left: number;
  title: number;
  digits: number;
  bar: number;
  /** Font size the labels print at, in layout units. */
  fontSize: number;
  /** The colour bar's two ends side by side (1) or the maximum on a line under the minimum (2). */
  rangeLines: 1 | 2;
}

export type KernelMapsFit = Pick<KernelMapsLayout, 'left' | 'title' | 'digits' | 'bar' | 'fontSize' | 'rangeLines'> & {
  minSide: number;
};

const SCREEN_FIT: KernelMapsFit = { ...KERNEL_MAPS, fontSize: 10, minSide: 60, rangeLines: 1 };

/** Map size for a drawing `width` wide with `cols` steps and `rows` runs (the width grows if maps need more). */
export function kernelMapsLayout(width: number, cols: number, rows: number, fit = SCREEN_FIT): KernelMapsLayout {
  const { left, gap } = { ...KERNEL_MAPS, ...fit };
  const { title, digits, bar, fontSize, minSide, rangeLines } = fit;
  const n = Math.max(1, cols);
  const side = Math.max(minSide, Math.min(230, Math.floor((width - left - n * (digits + gap)) / n)));
  const rowH = title + digits + side + bar + 8;
  return {
    width: Math.max(width, left + n * (side + digits + gap)),
    height: Math.max(60, rows * rowH + 4),
    side,
    rowH,
    left,
    title,
    digits,
    bar,
    fontSize,
    rangeLines,
  };
}

/**
 * The layout for print, with text at `fontSize(layout)` units (which grows when the drawing does): bands as tall as
 * the text, the row titles' column as wide as the widest, and maps at least as wide as their step title and the two
 * ends of their colour bar side by side — or, where that would not fit the page, the ends on two lines.
 */
export function fitKernelMapsLayout(
  width: number,
  cols: number,
  rows: number,
  labels: { rows: readonly string[]; steps: readonly string[]; ranges: readonly (readonly [string, string])[] },
  fontSize: (l: KernelMapsLayout) => number,
): KernelMapsLayout {
  const rowEm = Math.max(0, ...labels.rows.map(textWidthEm));
  const stepEm = Math.max(0, ...labels.steps.map(textWidthEm));
  const pairEm = Math.max(0, ...labels.ranges.map(([lo, hi]) => textWidthEm(lo) + textWidthEm(hi) + 1));
  const endEm = Math.max(0, ...labels.ranges.flatMap((r) => r.map(textWidthEm)));
  const start = kernelMapsLayout(width, cols, rows);
  const fit = (rangeLines: 1 | 2): KernelMapsLayout => {
    let l = start;
    // a fixed point (the text grows with the drawing): a contraction while the labels fit the page at all
    for (let i = 0; i < 400; i++) {
      const em = fontSize(l);
      if (Math.abs(em - l.fontSize) < 1e-4 * em) break;
      const digits = Math.max(KERNEL_MAPS.digits, Math.ceil(1.15 * em));
      // a step title may use its map's whole pitch (side, digit band, gap) less half an em
      const titleSide = stepEm * em + 0.5 * em - digits - KERNEL_MAPS.gap;
      l = kernelMapsLayout(width, cols, rows, {
        left: Math.max(KERNEL_MAPS.left, Math.ceil(rowEm * em + 8)),
        title: Math.max(KERNEL_MAPS.title, Math.ceil(1.45 * em)),
        digits,
        bar: Math.max(KERNEL_MAPS.bar, Math.ceil(10 + (rangeLines === 1 ? 1.3 : 2.5) * em)),
        fontSize: em,
        minSide: Math.max(60, Math.ceil(Math.max(titleSide, (rangeLines === 1 ? pairEm : endEm) * em))),
        rangeLines,
      });
    }
    return l;
  };
  const one = fit(1);
  // side by side only where that neither more than doubles the drawing nor fails to settle
  const settled = Math.abs(fontSize(one) - one.fontSize) < 0.01 * one.fontSize && one.width < 2 * start.width;
  return settled ? one : fit(2);
}

/** Top-left corner of map (r, c). */
export function kernelMapOrigin(l: KernelMapsLayout, r: number, c: number): { x: number; y: number } {
  return { x: l.left + c * (l.side + l.digits + KERNEL_MAPS.gap) + l.digits, y: r * l.rowH + 2 + l.title + l.digits };
}

/** Every how many class blocks a digit label fits (a digit and a gap: 0.8 em at font size `em`). */
export function digitStride(side: number, em = 10): number {
  const slot = side / 10;
  const need = 0.8 * em;
  return slot >= need ? 1 : 2 * slot >= need ? 2 : 5;
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
  const stride = digitStride(l.side, l.fontSize);
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
      body += text(x0 + l.side / 2, rowTop + l.title - 4, esc(`step ${step}`), {
        'font-size': 12,
        'text-anchor': 'middle',
        fill: INK,
      });
      for (let b = 0; b < 10; b += stride) {
        const mid = ((b + 0.5) * l.side) / 10;
        const a = { 'font-size': 9, fill: MUTED };
        body += text(x0 + mid, top - 3, String(b), { ...a, 'text-anchor': 'middle' });
        body += text(x0 - 3, top + mid + Math.round(0.3 * l.fontSize), String(b), { ...a, 'text-anchor': 'end' });
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
      const y = barY + 10 + Math.round(0.7 * l.fontSize);
      const y2 = l.rangeLines === 1 ? y : y + Math.round(1.2 * l.fontSize);
      body += text(x0, y, esc(formatNumber(cell.range.min, 3)), { ...a, 'text-anchor': 'start' });
      body += text(x0 + l.side, y2, esc(formatNumber(cell.range.max, 3)), { ...a, 'text-anchor': 'end' });
    });
  });
  return svgDocument(l.width, l.height, f.title, body);
}
