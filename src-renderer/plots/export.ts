// One export path for every plot: standalone SVG, PNG (2× device pixels), CSV of exactly the plotted data,
// and JSON of the parameters. The builders (file names, CSV, JSON) are pure, live in export-data.ts and are
// re-exported here; the DOM helpers below serialize the live SVG with its computed styles inlined so the file
// renders on its own.
export * from './export-data';
import type { ExportFormat } from './export-data';
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

/** What a plot supplies for its ExportBar: the file name for the chosen format and each format's content. */
export interface PlotExport {
  fileName: string;
  /** The drawing's CSS size; the PNG is rendered at pngScale() times it. */
  width: number;
  height: number;
  svg: () => string;
  csv: () => string;
  json: () => string;
}

/** Save one format of a plot: SVG and PNG from its standalone SVG, CSV and JSON as the plot builds them. */
export async function savePlot(format: ExportFormat, p: PlotExport): Promise<void> {
  if (format === 'svg') downloadText(p.svg(), p.fileName, 'image/svg+xml');
  else if (format === 'png') downloadBlob(await svgToPng(p.svg(), p.width, p.height, pngScale()), p.fileName);
  else if (format === 'csv') downloadText(p.csv(), p.fileName, 'text/csv');
  else downloadText(p.json(), p.fileName, 'application/json');
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
  withLightTheme(() => inlineStyles(svg, clone)); // a figure for a paper: the light palette, whatever the UI's
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
async function svgToPng(svgText: string, width: number, height: number, scale: number): Promise<Blob> {
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
    return await new Promise<Blob>((done, fail) =>
      canvas.toBlob((b) => (b ? done(b) : fail(new Error('PNG encoding failed'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** PNG scale for exports: twice the device pixel ratio (2× on a standard screen, 4× on a Retina one, capped). */
export function pngScale(): number {
  const dpr = typeof window !== 'undefined' && window.devicePixelRatio > 0 ? window.devicePixelRatio : 1;
  return Math.min(6, 2 * dpr);
}
