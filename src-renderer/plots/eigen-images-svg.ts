// Jacot et al. 2019, Fig. 2's Gram eigenvector images as a vector figure: the layout the on-screen canvas uses, and
// the export with every label as SVG text, a diverging colour bar as a gradient, and each eigenvector's 2 × 2 mosaic
// of input images as one pixelated raster (pure: the rasters come in as data: URLs).
import { cellImage, el, esc, lutGradient, svgDocument, text } from './svg-build';

export const EIGEN_IMAGES = { left: 196, gap: 8, label: 14, bar: 34 } as const;

export interface EigenImagesLayout {
  width: number;
  /** Height of the rows (the export adds the colour bar below). */
  height: number;
  /** Side of one eigenvector image. */
  cell: number;
  rowH: number;
}

export function eigenImagesLayout(width: number, cols: number, rows: number): EigenImagesLayout {
  const { left, gap, label } = EIGEN_IMAGES;
  const n = Math.max(1, cols);
  const cell = Math.max(44, Math.min(120, Math.floor((width - left) / n) - gap));
  const rowH = cell + label + gap;
  return { width: Math.max(width, left + n * (cell + gap)), height: rows * rowH + 4, cell, rowH };
}

/** Top-left corner of image k in row r. */
export function eigenImageOrigin(l: EigenImagesLayout, r: number, k: number): { x: number; y: number } {
  return { x: EIGEN_IMAGES.left + k * (l.cell + EIGEN_IMAGES.gap), y: r * l.rowH + 2 };
}

export interface EigenImagesRow {
  /** Three lines: configuration, column, λ₁/mean λ. */
  labels: readonly [string, string, string];
  /** One per eigenvector: its label ("λ1 = …") and the data: URL of its mosaic (cells only). */
  images: readonly { label: string; href: string }[];
}

export interface EigenImagesFigure {
  layout: EigenImagesLayout;
  rows: readonly EigenImagesRow[];
  /** Diverging table, index 0 = −max|v|. */
  lut: Uint8Array;
  title: string;
}

const INK = '#1b2129';
const MUTED = '#57606c';

/** The figure's height: the rows and the colour bar under them. */
export const eigenImagesHeight = (l: EigenImagesLayout) => l.height + EIGEN_IMAGES.bar;

export function eigenImagesSvg(f: EigenImagesFigure): string {
  const l = f.layout;
  let body = `<defs>${lutGradient('eigen-ramp', f.lut)}</defs>`;
  f.rows.forEach((row, r) => {
    const { y: y0 } = eigenImageOrigin(l, r, 0);
    const mid = y0 + l.cell / 2 + 4;
    body += text(2, mid - 14, esc(row.labels[0]), { 'font-size': 12, 'font-weight': 600, fill: INK });
    body += text(2, mid, esc(row.labels[1]), { 'font-size': 11, fill: INK });
    body += text(2, mid + 14, esc(row.labels[2]), { 'font-size': 11, fill: MUTED });
    row.images.forEach((img, k) => {
      const { x } = eigenImageOrigin(l, r, k);
      body += cellImage(img.href, x, y0, l.cell, l.cell, `${r},${k}`);
      body += text(x + l.cell / 2, y0 + l.cell + EIGEN_IMAGES.label / 2 + 4, esc(img.label), {
        'font-size': 10,
        'text-anchor': 'middle',
        fill: MUTED,
      });
    });
  });
  // one diverging scale, each eigenvector on its own range: −max|v| … 0 … +max|v|
  const x0 = EIGEN_IMAGES.left;
  const w = Math.min(240, l.width - x0 - 4);
  const y = l.height + 4;
  body += el('rect', { x: x0, y, width: w, height: 7, fill: 'url(#eigen-ramp)' });
  const a = { 'font-size': 10, fill: MUTED };
  body += text(x0, y + 19, '−max |v|', { ...a, 'text-anchor': 'start' });
  body += text(x0 + w / 2, y + 19, '0', { ...a, 'text-anchor': 'middle' });
  body += text(x0 + w, y + 19, '+max |v|', { ...a, 'text-anchor': 'end' });
  body += text(2, y + 7, 'eigenvector entry', a);
  return svgDocument(l.width, eigenImagesHeight(l), f.title, body);
}
