// Figure style for exports (pure, no DOM): physical size presets, font size in pt, font family, line widths and PNG
// dpi, and the SVG rewrite that lays a plot out at that physical size. The exported <svg> keeps the plot's own
// coordinates as its viewBox and gets width/height in pt, and every <text> gets the font size (in viewBox units)
// that prints at the chosen pt when the file is placed at that width: font-size × widthPt / viewBoxWidth = fontPt.

export type FigurePresetId = 'screen' | 'single' | 'double' | 'slide' | 'custom';
export type FontFamilyId = 'sans' | 'serif';
/**
 * SVG text: the DejaVu face embedded as a subset (@font-face, data: URL), drawn as glyph outlines (paths, no <text>)
 * or only named.
 */
export type SvgFontsId = 'embed' | 'outline' | 'name';

export interface FigureStyle {
  preset: FigurePresetId;
  /** Printed width in inches ('screen': ignored, the plot's CSS width at 96 px per inch). */
  widthIn: number;
  /** Printed height in inches; null keeps the plot's aspect ratio. */
  heightIn: number | null;
  /** Size of every label, tick and legend text in pt ('screen': ignored, the sizes drawn on screen). */
  fontPt: number;
  fontFamily: FontFamilyId;
  /** Whether exported SVGs carry the font (the PDF always embeds it). */
  svgFonts: SvgFontsId;
  /** Printed stroke width per screen pixel of stroke, in pt (0.75 = as on screen at 96 dpi). */
  linePtPerPx: number;
  /** Resolution of PNG exports. */
  dpi: number;
}

/** Journal column widths (two-column papers: ~3.3 in and ~6.9 in) and a 16:9 slide. */
export const FIGURE_PRESETS: Record<Exclude<FigurePresetId, 'custom'>, { label: string; style: FigureStyle }> = {
  screen: {
    label: 'As on screen',
    style: {
      preset: 'screen',
      widthIn: 0,
      heightIn: null,
      fontPt: 0,
      fontFamily: 'sans',
      svgFonts: 'embed',
      linePtPerPx: 0.75,
      dpi: 192,
    },
  },
  single: {
    label: 'Single column (3.3 in)',
    style: {
      preset: 'single',
      widthIn: 3.3,
      heightIn: 2.4,
      fontPt: 8,
      fontFamily: 'sans',
      svgFonts: 'embed',
      linePtPerPx: 0.6,
      dpi: 600,
    },
  },
  double: {
    label: 'Double column (6.9 in)',
    style: {
      preset: 'double',
      widthIn: 6.9,
      heightIn: 3.2,
      fontPt: 9,
      fontFamily: 'sans',
      svgFonts: 'embed',
      linePtPerPx: 0.75,
      dpi: 600,
    },
  },
  slide: {
    label: 'Slide (10 × 5.6 in)',
    style: {
      preset: 'slide',
      widthIn: 10,
      heightIn: 5.6,
      fontPt: 16,
      fontFamily: 'sans',
      svgFonts: 'embed',
      linePtPerPx: 1.2,
      dpi: 200,
    },
  },
};

export const DEFAULT_FIGURE_STYLE: FigureStyle = FIGURE_PRESETS.screen.style;

/** Font stacks written into the SVG; the PDF (and the SVG, svgFonts 'embed') embeds the first (DejaVu, shipped). */
export const FONT_STACKS: Record<FontFamilyId, string> = {
  sans: "'DejaVu Sans', Helvetica, Arial, sans-serif",
  serif: "'DejaVu Serif', 'Times New Roman', Times, serif",
};
export const PDF_FONT_NAMES: Record<FontFamilyId, string> = { sans: 'DejaVu Sans', serif: 'DejaVu Serif' };

/** The CSS size a plot's text is designed for: a print layout of W pt is drawn W × (11 / fontPt) px wide. */
export const DESIGN_FONT_PX = 11;

const LIMITS = {
  widthIn: [1, 40],
  heightIn: [0.5, 40],
  fontPt: [4, 48],
  linePtPerPx: [0.05, 5],
  dpi: [50, 2400],
} as const;

/** Check a style (from the form or local storage); the error names the field. */
export function validateFigureStyle(s: FigureStyle): FigureStyle {
  if (!['screen', 'single', 'double', 'slide', 'custom'].includes(s.preset))
    throw new RangeError(`preset: unknown value ${JSON.stringify(s.preset)}`);
  if (s.fontFamily !== 'sans' && s.fontFamily !== 'serif')
    throw new RangeError(`fontFamily: expected 'sans' or 'serif', got ${JSON.stringify(s.fontFamily)}`);
  if (s.svgFonts !== 'embed' && s.svgFonts !== 'outline' && s.svgFonts !== 'name')
    throw new RangeError(`svgFonts: expected 'embed', 'outline' or 'name', got ${JSON.stringify(s.svgFonts)}`);
  const check = (field: keyof typeof LIMITS, v: number) => {
    const [lo, hi] = LIMITS[field];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi)
      throw new RangeError(`${field}: ${String(v)} is outside ${lo}–${hi}`);
  };
  if (s.preset !== 'screen') {
    check('widthIn', s.widthIn);
    if (s.heightIn !== null) check('heightIn', s.heightIn);
    check('fontPt', s.fontPt);
  }
  check('linePtPerPx', s.linePtPerPx);
  check('dpi', s.dpi);
  return s;
}

/**
 * The CSS size to lay the plot out at before exporting, so its own layout (margins, tick count) is made for the
 * printed size: text drawn at DESIGN_FONT_PX then prints at fontPt. null: keep the on-screen layout.
 */
export function layoutSize(s: FigureStyle, aspect: number): { w: number; h: number } | null {
  if (s.preset === 'screen') return null;
  const pxPerIn = (72 * DESIGN_FONT_PX) / s.fontPt;
  const w = Math.round(s.widthIn * pxPerIn);
  const h = Math.round((s.heightIn ?? s.widthIn * aspect) * pxPerIn);
  return { w, h };
}

export interface PrintedSvg {
  svg: string;
  /** Printed size in pt (1/72 in). */
  widthPt: number;
  heightPt: number;
  /** The plot's own coordinates (the viewBox). */
  viewBox: { w: number; h: number };
}

const round = (v: number) => Math.round(v * 1e4) / 1e4;
const TAG = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+\s*=\s*"[^"]*")*)\s*(\/?)>/g;
const ATTR = /([\w:-]+)\s*=\s*"([^"]*)"/g;

function parseAttrs(s: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const a of s.matchAll(ATTR)) m.set(a[1], a[2]);
  return m;
}
function writeAttrs(m: Map<string, string>): string {
  let out = '';
  for (const [k, v] of m) out += ` ${k}="${v}"`;
  return out;
}
/** '11px', '11', '1.7px' → number of CSS px (user units); NaN when absent or relative. */
function px(v: string | undefined): number {
  if (v === undefined) return Number.NaN;
  const m = /^\s*(-?[\d.]+(?:e-?\d+)?)\s*(px)?\s*$/.exec(v);
  return m ? Number(m[1]) : Number.NaN;
}

/**
 * Lay a standalone SVG (as standaloneSvg writes it: root width/height = the plot's CSS size) out at the style's
 * printed size: width/height in pt, viewBox in the plot's units, every text at fontPt (sub/superscript tspans keep
 * their ratio to the text and their shifts scale with it), every stroke at linePtPerPx pt per screen pixel and the
 * font family set explicitly on every text. Fonts are referenced here; embedSvgFont adds the face (svgFonts).
 */
export function printSvg(svgText: string, style: FigureStyle): PrintedSvg {
  validateFigureStyle(style);
  const root = /<svg\b((?:\s+[\w:-]+\s*=\s*"[^"]*")*)\s*>/.exec(svgText);
  if (!root) throw new Error('export: no <svg> root element');
  const rootAttrs = parseAttrs(root[1]);
  const vw = px(rootAttrs.get('width'));
  const vh = px(rootAttrs.get('height'));
  if (!(vw > 0 && vh > 0)) throw new Error('export: the <svg> has no numeric width/height');
  const screen = style.preset === 'screen';
  const widthPt = screen ? vw * 0.75 : style.widthIn * 72;
  const heightPt = (widthPt * vh) / vw;
  const ptPerUnit = widthPt / vw;
  const fontUnits = screen ? Number.NaN : style.fontPt / ptPerUnit;
  const strokeFactor = style.linePtPerPx / ptPerUnit;
  const family = FONT_STACKS[style.fontFamily].replace(/'/g, '&apos;');

  // stack of the enclosing <text>'s scale (new size / drawn size) for its tspans
  const textScale: number[] = [];
  let rootSeen = false;
  const out = svgText.replace(TAG, (whole, close: string, name: string, attrText: string, selfClose: string) => {
    const tag = name.toLowerCase();
    if (close) {
      if (tag === 'text') textScale.pop();
      return whole;
    }
    const a = parseAttrs(attrText);
    if (tag === 'svg' && !rootSeen) {
      rootSeen = true;
      a.set('width', screen ? String(vw) : `${round(widthPt)}pt`);
      a.set('height', screen ? String(vh) : `${round(heightPt)}pt`);
      a.set('viewBox', `0 0 ${vw} ${vh}`);
      a.set('font-family', family);
    }
    const sw = px(a.get('stroke-width'));
    if (Number.isFinite(sw)) a.set('stroke-width', String(round(sw * strokeFactor)));
    if (a.has('font-family')) a.set('font-family', family);
    if (tag === 'text') {
      const drawn = px(a.get('font-size'));
      const base = Number.isFinite(drawn) ? drawn : 16;
      const size = screen ? base : fontUnits;
      a.set('font-size', String(round(size)));
      a.set('font-family', family);
      if (!selfClose) textScale.push(size / base);
    } else if (tag === 'tspan' && textScale.length > 0) {
      const k = textScale[textScale.length - 1];
      const drawn = px(a.get('font-size'));
      if (Number.isFinite(drawn)) a.set('font-size', String(round(drawn * k)));
      for (const shift of ['dx', 'dy']) {
        const v = px(a.get(shift));
        if (Number.isFinite(v)) a.set(shift, String(round(v * k)));
      }
    }
    return `<${name}${writeAttrs(a)}${selfClose ? '/' : ''}>`;
  });
  return { svg: out, widthPt, heightPt, viewBox: { w: vw, h: vh } };
}

/** PNG pixel size for a printed size at the style's dpi ('screen': the CSS size at 96 px per inch). */
export function pngPixels(p: PrintedSvg, style: FigureStyle): { w: number; h: number } {
  if (style.preset === 'screen') {
    const k = style.dpi / 96;
    return { w: Math.round(p.viewBox.w * k), h: Math.round(p.viewBox.h * k) };
  }
  return { w: Math.round((p.widthPt / 72) * style.dpi), h: Math.round((p.heightPt / 72) * style.dpi) };
}

/** The plot's JSON with the figure style its SVG/PNG/PDF exports use (a JSON object gains `figureStyle`). */
export function withFigureStyle(json: string, style: FigureStyle): string {
  const doc: unknown = JSON.parse(json);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || 'figureStyle' in doc) return json;
  return `${JSON.stringify({ ...doc, figureStyle: style }, null, 2)}\n`;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Every character the SVG's <text> elements draw (tags stripped, XML entities decoded): what a font subset needs. */
export function svgTextCharacters(svg: string): string {
  let out = '';
  for (const m of svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)) {
    out += m[1]
      .replace(/<[^>]*>/g, '')
      .replace(/&(#x[\da-f]+|#\d+|\w+);/gi, (whole, e: string) =>
        e[0] === '#'
          ? String.fromCodePoint(e[1].toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1)))
          : (ENTITIES[e] ?? whole),
      );
  }
  return [...new Set(out)].join('');
}

/**
 * The printed SVG with its font family embedded: an @font-face whose src is the TrueType file as a data: URL, in a
 * <style> right after the root tag, so the file shows the same glyphs on a machine without DejaVu.
 */
export function embedSvgFont(svg: string, family: FontFamilyId, ttfBase64: string): string {
  const root = /<svg\b[^>]*>/.exec(svg);
  if (!root) throw new Error('export: no <svg> root element');
  const face =
    `<defs><style>@font-face{font-family:'${PDF_FONT_NAMES[family]}';` +
    `src:url(data:font/ttf;base64,${ttfBase64}) format('truetype');}</style></defs>`;
  const at = root.index + root[0].length;
  return svg.slice(0, at) + face + svg.slice(at);
}

/**
 * The SVG as this page may rasterize it under its CSP (no inline styles): the CSS `image-rendering:pixelated` of
 * cell rasters becomes the presentation attribute, which the CSP does not govern.
 */
export function rasterSafeSvg(svg: string): string {
  return svg
    .replace(/ style="image-rendering:\s*pixelated;?"/g, '')
    .replace(/ image-rendering="optimizeSpeed"/g, ' image-rendering="pixelated"');
}

/** The inverse of rasterSafeSvg for a file: pixelated cells in both the SVG 1.1 attribute and CSS. */
export function withPixelatedStyle(svg: string): string {
  return svg.replace(
    / image-rendering="pixelated"/g,
    ' image-rendering="optimizeSpeed" style="image-rendering:pixelated"',
  );
}

/**
 * Integer upscale of an n-cell-wide raster so that, printed `inches` wide, it has at least `dpi` pixels per inch
 * (every cell a k × k block of one colour; capped at 16, which is already beyond print resolution for ≥ 40 cells).
 */
export function rasterScale(cells: number, inches: number, dpi: number): number {
  if (!(cells >= 1) || !(inches > 0) || !(dpi > 0)) return 1;
  return Math.min(16, Math.max(1, Math.ceil((dpi * inches) / cells)));
}
