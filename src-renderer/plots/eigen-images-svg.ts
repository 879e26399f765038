// Jacot et al. 2019, Fig. 2's Gram eigenvector images as a vector figure: the layout the on-screen canvas uses, and
// the export with every label as SVG text, a diverging colour bar as a gradient, and each eigenvector's 2 × 2 mosaic
// of input images as one pixelated raster (pure: the rasters come in as data: URLs).
import { cellImage, el, esc, lutGradient, svgDocument, text, textWidthEm } from './svg-build';

export const EIGEN_IMAGES = { left: 196, gap: 8, label: 14, bar: 34 } as const;

export interface EigenImagesLayout {
  width: number;
  /** Height of the rows (the export adds the colour bar below). */
  height: number;
  /** Side of one eigenvector image. */
  cell: number;
  rowH: number;
  /** Width of the row-label column (a small margin when the row labels sit above the images). */
  left: number;
  /** Height of the row labels' band above the images (0: they sit left of them). */
  top: number;
  /** Lines of each image's label ("λk =" over its value when one line would not fit the column). */
  labelLines: 1 | 2;
  /** Height of the label band under each image. */
  labelH: number;
  /** Font size the labels print at, in layout units. */
  fontSize: number;
}

export type EigenImagesFit = Pick<EigenImagesLayout, 'left' | 'top' | 'labelLines' | 'fontSize'>;

const SCREEN_FIT: EigenImagesFit = { left: EIGEN_IMAGES.left, top: 0, labelLines: 1, fontSize: 10 };

/** Baseline-to-baseline distance of the row labels. */
export const rowLabelStep = (l: Pick<EigenImagesLayout, 'fontSize'>) => Math.max(14, Math.ceil(1.25 * l.fontSize));

export function eigenImagesLayout(
  width: number,
  cols: number,
  rows: number,
  fit: EigenImagesFit = SCREEN_FIT,
): EigenImagesLayout {
  const { gap, label } = EIGEN_IMAGES;
  const n = Math.max(1, cols);
  const cell = Math.max(44, Math.min(120, Math.floor((width - fit.left) / n) - gap));
  const labelH = Math.max(label, Math.ceil(fit.fontSize * (fit.labelLines === 1 ? 1.3 : 2.45)));
  const rowH = fit.top + cell + labelH + gap;
  return { ...fit, width: Math.max(width, fit.left + n * (cell + gap)), height: rows * rowH + 4, cell, rowH, labelH };
}

/**
 * The layout for print, with text at `fontSize(layout)` units (which grows when the drawing does): the row labels
 * left of the images in a column as wide as the longest, or above each row when that column would take more than
 * 40 % of the width; the image labels on two lines when one does not fit an image's column.
 */
export function fitEigenImagesLayout(
  width: number,
  cols: number,
  rows: number,
  labels: { rows: readonly string[]; images: readonly string[] },
  fontSize: (l: EigenImagesLayout) => number,
): EigenImagesLayout {
  const rowEm = Math.max(0, ...labels.rows.map(textWidthEm));
  const imageEm = Math.max(0, ...labels.images.map(textWidthEm));
  let l = eigenImagesLayout(width, cols, rows);
  let labelLines: 1 | 2 = 1;
  let above = false;
  for (let i = 0; i < 6; i++) {
    const em = fontSize(l);
    const column = Math.ceil(rowEm * em + 10);
    above ||= column > 0.4 * l.width;
    if (imageEm * em > l.cell + EIGEN_IMAGES.gap - 3) labelLines = 2;
    const step = rowLabelStep({ fontSize: em });
    l = eigenImagesLayout(width, cols, rows, {
      left: above ? 4 : Math.max(EIGEN_IMAGES.left, column),
      top: above ? 3 * step + Math.ceil(0.4 * em) : 0,
      labelLines,
      fontSize: em,
    });
  }
  return l;
}

/** Top-left corner of image k in row r. */
export function eigenImageOrigin(l: EigenImagesLayout, r: number, k: number): { x: number; y: number } {
  return { x: l.left + k * (l.cell + EIGEN_IMAGES.gap), y: r * l.rowH + 2 + l.top };
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
    const step = rowLabelStep(l);
    // three lines, centred left of the images or stacked above them
    const first = l.top > 0 ? y0 - l.top + step - 2 : y0 + l.cell / 2 + 4 - step;
    body += text(2, first, esc(row.labels[0]), { 'font-size': 12, 'font-weight': 600, fill: INK });
    body += text(2, first + step, esc(row.labels[1]), { 'font-size': 11, fill: INK });
    body += text(2, first + 2 * step, esc(row.labels[2]), { 'font-size': 11, fill: MUTED });
    row.images.forEach((img, k) => {
      const { x } = eigenImageOrigin(l, r, k);
      body += cellImage(img.href, x, y0, l.cell, l.cell, `${r},${k}`);
      const a = { 'font-size': 10, 'text-anchor': 'middle', fill: MUTED };
      const cx = x + l.cell / 2;
      const split = img.label.indexOf(' = ');
      if (l.labelLines === 1 || split < 0) body += text(cx, y0 + l.cell + l.labelH / 2 + 4, esc(img.label), a);
      else {
        // "λk =" over the value; the line gap is in the text's own units (the print layout scales it with the text)
        const second = `<tspan x="${cx}" dy="12">${esc(img.label.slice(split + 3))}</tspan>`;
        body += text(cx, y0 + l.cell + l.labelH / 2 - 2, esc(img.label.slice(0, split + 2)) + second, a);
      }
    });
  });
  // one diverging scale, each eigenvector on its own range: −max|v| … 0 … +max|v|
  const caption = 'eigenvector entry';
  const x0 = Math.max(l.left, Math.ceil(textWidthEm(caption) * l.fontSize + 12));
  const w = Math.min(240, l.width - x0 - 4);
  const y = l.height + 4;
  body += el('rect', { x: x0, y, width: w, height: 7, fill: 'url(#eigen-ramp)' });
  const a = { 'font-size': 10, fill: MUTED };
  body += text(x0, y + 19, '−max |v|', { ...a, 'text-anchor': 'start' });
  body += text(x0 + w / 2, y + 19, '0', { ...a, 'text-anchor': 'middle' });
  body += text(x0 + w, y + 19, '+max |v|', { ...a, 'text-anchor': 'end' });
  body += text(2, y + 7, caption, a);
  return svgDocument(l.width, eigenImagesHeight(l), f.title, body);
}
