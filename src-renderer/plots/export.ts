// One export path for every plot: standalone SVG, PNG (2× device pixels), CSV of exactly the plotted data,
// and JSON of the parameters. The builders (file names, CSV, JSON) are pure and unit-tested; the DOM helpers at
// the bottom serialize the live SVG with its computed styles inlined so the file renders on its own.
import { fileNumber } from '../lib/format';

export const THEORY_REFERENCE = 'seed 004 Thm 3.1/3.2 (proof-consistent eq. 13)';
export const APP_NAME = 'NTK Phase Lab';

export type PlotId = 'plane' | 'slice-lambda' | 'slice-sigma';
export type ExportFormat = 'svg' | 'png' | 'csv' | 'json';

/** ntk-plane-M200-a1.svg, ntk-slice-lambda-M200-a0.5.csv … */
export function exportFileName(plot: PlotId, p: { width: number; alpha0: number }, ext: ExportFormat): string {
  return `ntk-${plot}-M${fileNumber(p.width)}-a${fileNumber(p.alpha0)}.${ext}`;
}

/** A CSV cell: numbers at full round-trip precision, missing or non-finite values as an empty cell. */
export function csvCell(v: number | string | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function toCsv(header: readonly string[], rows: Iterable<readonly (number | string | null | undefined)[]>): string {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) {
    if (row.length !== header.length) throw new RangeError(`CSV row has ${row.length} cells, header has ${header.length}`);
    lines.push(row.map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

export interface PlaneGridData {
  sigmaW2: ArrayLike<number>;
  depthToWidth: ArrayLike<number>;
  width: number;
  /** Row-major values[j·nx + i] (j indexes depthToWidth), as dispersionGrid returns them. */
  values: ArrayLike<number>;
}

/** One row per heat-map cell: sigmaW2,depthToWidth,depth,dispersion with depth = max(1, round(λM)) as drawn. */
export function planeCsv(g: PlaneGridData): string {
  const nx = g.sigmaW2.length;
  const ny = g.depthToWidth.length;
  if (g.values.length !== nx * ny) throw new RangeError(`grid has ${g.values.length} values, expected ${nx}×${ny}`);
  function* rows() {
    for (let j = 0; j < ny; j++) {
      const lambda = g.depthToWidth[j];
      const depth = Math.max(1, Math.round(lambda * g.width));
      for (let i = 0; i < nx; i++) yield [g.sigmaW2[i], lambda, depth, g.values[j * nx + i]];
    }
  }
  return toCsv(['sigmaW2', 'depthToWidth', 'depth', 'dispersion'], rows());
}

export interface CsvColumn {
  name: string;
  /** One value per plotted x; NaN (or null) where the series has no point, e.g. unmeasured x. */
  values: ArrayLike<number | null>;
}

/** One row per plotted x, each series a column. */
export function sliceCsv(x: CsvColumn, series: readonly CsvColumn[]): string {
  const n = x.values.length;
  for (const s of series) {
    if (s.values.length !== n) throw new RangeError(`series ${s.name} has ${s.values.length} values, expected ${n}`);
  }
  function* rows() {
    for (let k = 0; k < n; k++) yield [x.values[k], ...series.map((s) => s.values[k])];
  }
  return toCsv([x.name, ...series.map((s) => s.name)], rows());
}

export interface AxisRange {
  min: number;
  max: number;
  /** Heat-map cells (plane) or plotted points (slices). */
  count: number;
  sampling: 'cell-centres' | 'endpoints-included' | 'fixed';
}

export interface ExportParams {
  plot: PlotId;
  version: string;
  width: number;
  alpha0: number;
  inputDim: number;
  /** Plane: which theorem colours it. Slices draw both. */
  kind: 'finite' | 'limit' | 'both';
  ranges: { sigmaW2: AxisRange; depthToWidth: AxisRange };
  cursor: { sigmaW2: number; depthToWidth: number; depth: number };
  /** Sampled networks behind measured points, if any are in the export. */
  measurement?: { samples: number; seed: number; method: string } | null;
  exportedAt?: string;
}

export function paramsJson(p: ExportParams): string {
  const doc = {
    app: APP_NAME,
    version: p.version,
    plot: p.plot,
    theory: THEORY_REFERENCE,
    network: { activation: 'relu', parametrization: 'standard', sigmaB2: 0, inputNorm: 1, width: p.width, alpha0: p.alpha0, inputDim: p.inputDim },
    kind: p.kind,
    ranges: p.ranges,
    cursor: p.cursor,
    measurement: p.measurement ?? null,
    exportedAt: p.exportedAt ?? new Date().toISOString(),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

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
  title?: string;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * A self-contained SVG document from a live <svg>: computed styles become presentation attributes, elements
 * marked data-export="skip" (focus rings, hit areas) are dropped, an optional raster sits underneath.
 */
export function standaloneSvg(svg: SVGSVGElement, opts: StandaloneOptions): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  inlineStyles(svg, clone);
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
    clone.insertBefore(img, first);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}\n`;
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

/** Rasterize a standalone SVG string at `scale` × its CSS size. */
export async function svgToPng(svgText: string, width: number, height: number, scale: number): Promise<Blob> {
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
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('2D canvas is unavailable');
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((done, fail) => canvas.toBlob((b) => (b ? done(b) : fail(new Error('PNG encoding failed'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** PNG scale for exports: twice the device pixel ratio (2× on a standard screen, 4× on a Retina one, capped). */
export function pngScale(): number {
  const dpr = typeof window !== 'undefined' && window.devicePixelRatio > 0 ? window.devicePixelRatio : 1;
  return Math.min(6, 2 * dpr);
}
