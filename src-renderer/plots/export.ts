// One export path for every plot: standalone SVG, PNG and PDF laid out at the shared figure style (size, font pt,
// lines, dpi: figure-style.ts), CSV of exactly the plotted data, JSON of the parameters and a matplotlib script.
// The builders (file names, CSV, JSON, the SVG print layout, the script) are pure and re-exported here; the DOM
// helpers below serialize the live SVG with its computed styles inlined so the file renders on its own.
export * from './export-data';
import type { ExportFormat } from './export-data';
import {
  embedSvgFont,
  layoutSize,
  rasterSafeSvg,
  PDF_FONT_NAMES,
  pngPixels,
  printSvg,
  svgTextCharacters,
  withFigureStyle,
  type FigureStyle,
  type PrintedSvg,
} from './figure-style';
import { figureStyle } from './figure-style-store.svelte';
import { pythonScript, type PythonHint } from './export-python';
import { subsetTtf } from './font-subset';
import { outlineSvgText } from './svg-outline';
import { withOffscreen } from './offscreen';
import { withLightTheme } from '../lib/theme';

// ---------------------------------------------------------------------------------------------------------
// DOM helpers (renderer only; exercised by the e2e export spec)

/** Save a Blob through <a download>; the object URL is revoked once the click has been handled. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function downloadText(text: string, fileName: string, type: string): void {
  downloadBlob(new Blob([text], { type }), fileName);
}

/**
 * What a plot without a layout frame is asked to draw its SVG for: the CSS size to lay out at (null: as on screen)
 * and the figure style (its dpi sizes embedded rasters).
 */
export interface PrintTarget {
  layout: { w: number; h: number } | null;
  style: FigureStyle;
}

/** What a plot supplies for its ExportBar: the file name for the chosen format and each format's content. */
export interface PlotExport {
  /** The file name (its extension is replaced by the format's own). */
  fileName: string;
  /** The drawing's CSS size on screen. */
  width: number;
  height: number;
  /** The element whose size the plot follows (observeSize): resized for a moment to lay out at the print size. */
  frame?: HTMLElement;
  /** The standalone SVG (plots without a frame lay it out for `target` themselves). */
  svg: (target: PrintTarget) => string;
  csv: () => string;
  json: () => string;
  /** Labels and scales for the matplotlib script (default: first CSV column as x, the others as lines). */
  python?: PythonHint;
}

const EXT: Record<ExportFormat, string> = {
  svg: 'svg',
  png: 'png',
  pdf: 'pdf',
  csv: 'csv',
  json: 'json',
  python: 'py',
};

/** The file name with the format's extension (plots may build it with the format id, e.g. ".python"). */
export function withExtension(fileName: string, format: ExportFormat): string {
  return `${fileName.replace(/\.(svg|png|pdf|csv|json|python|py)$/, '')}.${EXT[format]}`;
}

/** Save one format of a plot at the shared figure style. */
export async function savePlot(
  format: ExportFormat,
  p: PlotExport,
  style: FigureStyle = figureStyle.current,
): Promise<void> {
  const name = withExtension(p.fileName, format);
  if (format === 'csv') return downloadText(p.csv(), name, 'text/csv');
  if (format === 'json') return downloadText(withFigureStyle(p.json(), style), name, 'application/json');
  if (format === 'python') return savePython(p, style);
  const printed = await printedFigure(p, style);
  if (format === 'pdf') return downloadBlob(await svgToPdf(printed, style), name);
  const outline = style.svgFonts === 'outline' ? await withOutlinedText(printed.svg, style) : null;
  // the PNG is drawn by this page, whose CSP refuses inline styles (and data: fonts) in the SVG it loads: the font
  // is looked up by name there (DejaVu where installed) unless the text is outlined
  if (format === 'png')
    return downloadBlob(await svgToPng(rasterSafeSvg(outline ?? printed.svg), pngPixels(printed, style)), name);
  const svg = outline ?? (style.svgFonts === 'embed' ? await withEmbeddedFont(printed.svg, style) : printed.svg);
  downloadText(svg, name, 'image/svg+xml');
}

/** The SVG with every text drawn as the style's DejaVu glyph outlines (no font needed to view it). */
export async function withOutlinedText(svg: string, style: FigureStyle): Promise<string> {
  return outlineSvgText(svg, await fontBytes(PDF_FONT_FILES[style.fontFamily]), PDF_FONT_NAMES[style.fontFamily]);
}

/** The SVG with the style's DejaVu face embedded, subset to the characters its texts draw. */
export async function withEmbeddedFont(svg: string, style: FigureStyle): Promise<string> {
  const font = subsetTtf(await fontBytes(PDF_FONT_FILES[style.fontFamily]), svgTextCharacters(svg));
  return embedSvgFont(svg, style.fontFamily, toBase64(font));
}

/** The plot's SVG at the style's printed size, laid out for it first when the plot says where its frame is. */
export async function printedFigure(p: PlotExport, style: FigureStyle): Promise<PrintedSvg> {
  const size = layoutSize(style, p.height / p.width);
  if (!p.frame || !size) return printSvg(p.svg({ layout: size, style }), style);
  return withLayout(p.frame, size, () => printSvg(p.svg({ layout: null, style }), style));
}

/**
 * Run `fn` while `frame` is laid out at `size` CSS px: the plot's size observer redraws it (margins, ticks) for
 * that size; the frame gets its own style back afterwards. Waits (≤ 2 s) for the plot's <svg> to take the size;
 * one that cannot (a minimum size) is exported at the size it took, which printSvg honours.
 */
async function withLayout<T>(frame: HTMLElement, size: { w: number; h: number }, fn: () => T): Promise<T> {
  // through the CSSOM only: the CSP refuses style attributes written as text
  const props: [string, string][] = [
    ['width', `${size.w}px`],
    ['height', `${size.h}px`],
    ['min-width', '0'],
    ['min-height', '0'],
    ['max-width', 'none'],
    ['max-height', 'none'],
    ['flex', 'none'],
  ];
  const saved = props.map(([k]) => [k, frame.style.getPropertyValue(k), frame.style.getPropertyPriority(k)] as const);
  for (const [k, v] of props) frame.style.setProperty(k, v, 'important');
  try {
    const svg = frame.querySelector('svg');
    const frameAt = () => new Promise<void>((done) => requestAnimationFrame(() => done()));
    const t0 = performance.now();
    while (performance.now() - t0 < 2000) {
      await frameAt();
      const w = svg?.width.baseVal.value ?? 0;
      const h = svg?.height.baseVal.value ?? 0;
      if (Math.abs(w - size.w) <= 1 && Math.abs(h - size.h) <= 1) break;
    }
    await frameAt(); // the plot's D3 effects run after its size state changes
    await frameAt();
    return fn();
  } finally {
    for (const [k, v, priority] of saved) {
      if (v === '') frame.style.removeProperty(k);
      else frame.style.setProperty(k, v, priority);
    }
  }
}

async function savePython(p: PlotExport, style: FigureStyle): Promise<void> {
  const csvName = withExtension(p.fileName, 'csv');
  const csv = p.csv();
  const header = csv.slice(0, csv.indexOf('\n')).split(',');
  const script = pythonScript(csvName, header, style, p.python ?? {});
  downloadText(csv, csvName, 'text/csv');
  downloadText(script, withExtension(p.fileName, 'python'), 'text/x-python');
  try {
    await navigator.clipboard.writeText(script);
  } catch {
    // no clipboard permission (e.g. an unfocused window): the script is saved as a file all the same
  }
}

/** Fonts the PDF embeds (jsPDF subsets them to the glyphs used): DejaVu covers Greek, super- and subscripts. */
const PDF_FONT_FILES = { sans: 'fonts/DejaVuSans.ttf', serif: 'fonts/DejaVuSerif.ttf' } as const;

const fontCache = new Map<string, Promise<Uint8Array>>();

/** The font file shipped with the app (fetched once per session). */
function fontBytes(path: string): Promise<Uint8Array> {
  let bytes = fontCache.get(path);
  if (!bytes) {
    bytes = fetch(new URL(path, document.baseURI)).then(async (res) => {
      if (!res.ok) throw new Error(`font ${path}: HTTP ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    });
    bytes.catch(() => fontCache.delete(path)); // a failed fetch is tried again next time
    fontCache.set(path, bytes);
  }
  return bytes;
}

function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** A vector PDF of the printed SVG, one page of exactly its printed size (jsPDF + svg2pdf.js, loaded on demand). */
async function svgToPdf(printed: PrintedSvg, style: FigureStyle): Promise<Blob> {
  const [{ jsPDF }, { svg2pdf }] = await Promise.all([import('jspdf'), import('svg2pdf.js')]);
  const w = printed.widthPt;
  const h = printed.heightPt;
  const doc = new jsPDF({ unit: 'pt', format: [w, h], orientation: w >= h ? 'landscape' : 'portrait', compress: true });
  const file = PDF_FONT_FILES[style.fontFamily];
  const vfsName = file.slice(file.lastIndexOf('/') + 1);
  doc.addFileToVFS(vfsName, toBase64(await fontBytes(file)));
  // one face for every style: bold or italic text is set in the regular face rather than in a font without σ
  for (const face of ['normal', 'bold', 'italic', 'bolditalic'])
    doc.addFont(vfsName, PDF_FONT_NAMES[style.fontFamily], face);
  // in this page: no inline styles (the CSP refuses them)
  const el = new DOMParser().parseFromString(rasterSafeSvg(printed.svg), 'image/svg+xml').documentElement;
  if (el.nodeName !== 'svg') throw new Error('the SVG could not be parsed for the PDF');
  // svg2pdf.js draws a text's stroke over its fill (no paint-order): a white halo would hide the glyphs
  for (const t of Array.from(el.querySelectorAll('text[paint-order], tspan[paint-order]'))) {
    if (/stroke/.test(t.getAttribute('paint-order') ?? '')) {
      t.removeAttribute('stroke');
      t.removeAttribute('stroke-width');
    }
  }
  const live = document.importNode(el, true);
  await withOffscreen(live, () => svg2pdf(live, doc, { x: 0, y: 0, width: w, height: h }));
  doc.setProperties({
    title: el.querySelector('title')?.textContent ?? 'NTK Phase Lab figure',
    creator: 'NTK Phase Lab',
  });
  return doc.output('blob');
}

// Presentation properties copied from computed style onto leaf elements, so CSS classes are not needed.
const INLINED = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-linecap',
  'stroke-linejoin',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'dominant-baseline',
  'paint-order',
  'shape-rendering',
] as const;
const LEAVES = new Set(['path', 'line', 'rect', 'circle', 'ellipse', 'polyline', 'polygon', 'text', 'tspan', 'image']);

export interface RasterLayer {
  /** data: URL of the raster (e.g. the heat map as PNG). */
  href: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface StandaloneOptions {
  width: number;
  height: number;
  background?: string;
  /** Raster drawn first, under the vector overlay. */
  raster?: RasterLayer;
  /**
   * SVGs of the same size stacked under `svg` on screen (a plot's frame and axes, kept apart so that a redraw of the
   * data does not repaint them): their content goes first in the file, under the content of `svg`.
   */
  under?: SVGSVGElement[];
  title?: string;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * A self-contained SVG document from a live <svg>: computed styles become presentation attributes, elements
 * marked data-export="skip" (focus rings, hit areas) are dropped, an optional raster sits underneath.
 */
export function standaloneSvg(svg: SVGSVGElement, opts: StandaloneOptions): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const layers = [...(opts.under ?? []).map((u) => [u, u.cloneNode(true) as SVGSVGElement] as const), [svg, clone]];
  // a figure for a paper: the light palette, whatever the UI's
  withLightTheme(() => {
    for (const [live, copy] of layers) inlineStyles(live, copy);
  });
  // the layers under svg, bottom first, before its own content
  const top = clone.firstChild;
  for (const [, copy] of layers.slice(0, -1))
    for (const child of Array.from(copy.childNodes)) clone.insertBefore(child, top);
  for (const el of Array.from(clone.querySelectorAll('[data-export="skip"]'))) el.remove();
  for (const el of Array.from(clone.querySelectorAll('*'))) {
    el.removeAttribute('class');
    el.removeAttribute('style');
  }
  clone.removeAttribute('class');
  clone.removeAttribute('style');
  clone.removeAttribute('aria-hidden'); // hidden on screen (the plane has its own label), not in a saved figure
  clone.setAttribute('xmlns', SVG_NS);
  clone.setAttribute('width', String(opts.width));
  clone.setAttribute('height', String(opts.height));
  clone.setAttribute('viewBox', `0 0 ${opts.width} ${opts.height}`);
  const doc = clone.ownerDocument;
  const first = clone.firstChild;
  if (opts.title) {
    const t = doc.createElementNS(SVG_NS, 'title');
    t.textContent = opts.title;
    clone.insertBefore(t, first);
  }
  const bg = doc.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', opts.background ?? '#ffffff');
  clone.insertBefore(bg, first);
  if (opts.raster) {
    const img = doc.createElementNS(SVG_NS, 'image');
    img.setAttribute('href', opts.raster.href);
    img.setAttribute('x', String(opts.raster.x));
    img.setAttribute('y', String(opts.raster.y));
    img.setAttribute('width', String(opts.raster.width));
    img.setAttribute('height', String(opts.raster.height));
    img.setAttribute('preserveAspectRatio', 'none');
    pixelated(img);
    clone.insertBefore(img, first);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}\n`;
}

/** Cells stay sharp squares in any viewer that scales the image (CSS value, SVG 1.1 attribute for older ones). */
export function pixelated(img: SVGElement): void {
  img.setAttribute('image-rendering', 'optimizeSpeed');
  img.style.setProperty('image-rendering', 'pixelated'); // the CSSOM: the CSP refuses style attributes as text
}

function inlineStyles(source: Element, target: Element): void {
  const tag = source.tagName.toLowerCase();
  if (LEAVES.has(tag)) {
    const cs = getComputedStyle(source);
    if (cs.display === 'none' || cs.visibility === 'hidden') {
      target.setAttribute('data-export', 'skip');
      return;
    }
    for (const prop of INLINED) {
      const v = cs.getPropertyValue(prop);
      // Paint servers stay as authored (url(#id)): computed values are absolute URLs that would carry the page's
      // address (and web mode's token) into the file and break the reference.
      if (v.includes('url(')) continue;
      if (v && v !== 'normal' && v !== 'auto') target.setAttribute(prop, v);
    }
  }
  const s = source.children;
  const t = target.children;
  for (let i = 0; i < s.length && i < t.length; i++) inlineStyles(s[i], t[i]);
}

/**
 * A PNG data: URL of an nx × ny RGBA cell buffer, each cell a `scale` × `scale` block (nearest neighbour, so the
 * file holds only the cells' own colours).
 */
export function cellsDataUrl(rgba: Uint8ClampedArray, nx: number, ny: number, scale: number): string {
  const tile = document.createElement('canvas');
  tile.width = nx;
  tile.height = ny;
  const tctx = tile.getContext('2d');
  const c = document.createElement('canvas');
  c.width = nx * scale;
  c.height = ny * scale;
  const ctx = c.getContext('2d');
  if (!tctx || !ctx) throw new Error('2D canvas is unavailable');
  const img = tctx.createImageData(nx, ny);
  img.data.set(rgba);
  tctx.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tile, 0, 0, c.width, c.height);
  return c.toDataURL('image/png');
}

/** Inches per CSS px of a drawing `width` px wide printed at the style ('screen': 96 px per inch). */
export function inchesPerPx(style: FigureStyle, width: number): number {
  return style.preset === 'screen' ? 1 / 96 : style.widthIn / width;
}

/** Rasterize a standalone SVG string to `px` pixels. */
async function svgToPng(svgText: string, px: { w: number; h: number }): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.decoding = 'sync';
    await new Promise<void>((done, fail) => {
      img.onload = () => done();
      img.onerror = () => fail(new Error('the SVG could not be rasterized'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = px.w;
    canvas.height = px.h;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('2D canvas is unavailable');
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((done, fail) =>
      canvas.toBlob((b) => (b ? done(b) : fail(new Error('PNG encoding failed'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
