import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FIGURE_STYLE,
  embedSvgFont,
  FIGURE_PRESETS,
  layoutSize,
  pngPixels,
  printSvg,
  rasterSafeSvg,
  rasterScale,
  withPixelatedStyle,
  svgTextCharacters,
  validateFigureStyle,
  withFigureStyle,
  type FigureStyle,
} from './figure-style';
import { cellImage, svgDocument, text } from './svg-build';

// A standalone SVG as standaloneSvg writes it: computed styles inlined in px, σ_w² typeset with tspans.
const DRAWN = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="480" height="300" viewBox="0 0 480 300"><title>t</title>\
<g font-size="10" font-family="sans-serif"><path d="M0,0L10,10" stroke="#000" stroke-width="1.7px"/>\
<text x="4" y="12" font-size="11px" font-family="system-ui">0.5</text></g>\
<text x="200" y="290" font-size="15px" font-weight="600">σ<tspan dy="3" font-size="8px">w</tspan>\
<tspan dy="-7" font-size="8px">2</tspan><tspan dy="4">\u200b (weight variance)</tspan></text>\
<line x1="0" x2="1" y1="0" y2="0" stroke-width="1px"/></svg>
`;

/** Every attribute of every element named `tag`, in document order (the file is re-parsed as text). */
function elements(svg: string, tag: string): Map<string, string>[] {
  const re = new RegExp(`<${tag}\\b([^>]*?)/?>`, 'g');
  return [...svg.matchAll(re)].map((m) => new Map([...m[1].matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])));
}

function pt(v: string): number {
  const m = /^([\d.]+)pt$/.exec(v);
  if (!m) throw new Error(`not a pt length: ${v}`);
  return Number(m[1]);
}

describe('printSvg', () => {
  for (const id of ['single', 'double', 'slide'] as const) {
    it(`lays the ${id} preset out so every text prints at its pt size`, () => {
      const style = FIGURE_PRESETS[id].style;
      const { svg, widthPt, heightPt } = printSvg(DRAWN, style);
      const root = elements(svg, 'svg')[0];
      const physW = pt(root.get('width')!);
      const physH = pt(root.get('height')!);
      const [, , vbW, vbH] = root.get('viewBox')!.split(' ').map(Number);
      expect(physW).toBeCloseTo(style.widthIn * 72, 3);
      expect(widthPt).toBeCloseTo(physW, 3);
      expect(physH / physW).toBeCloseTo(vbH / vbW, 3); // no distortion: the aspect is the layout's
      expect(heightPt).toBeCloseTo(physH, 3);
      const texts = elements(svg, 'text');
      expect(texts.length).toBe(2);
      for (const t of texts) {
        expect((Number(t.get('font-size')) * physW) / vbW).toBeCloseTo(style.fontPt, 2);
        expect(t.get('font-family')).toContain('DejaVu Sans');
      }
      // sub/superscripts keep their ratio (8/15) to the text; their shifts scale with it
      const spans = elements(svg, 'tspan');
      const k = style.fontPt / ((15 * physW) / vbW);
      expect((Number(spans[0].get('font-size')) * physW) / vbW).toBeCloseTo((8 / 15) * style.fontPt, 2);
      expect(Number(spans[0].get('dy'))).toBeCloseTo(3 * k, 3);
      // strokes: linePtPerPx pt per screen pixel
      const path = elements(svg, 'path')[0];
      expect((Number(path.get('stroke-width')) * physW) / vbW).toBeCloseTo(1.7 * style.linePtPerPx, 3);
      expect(elements(svg, 'g')[0].get('font-family')).toContain('DejaVu Sans');
    });
  }

  it('honours a custom size, font and family', () => {
    const style: FigureStyle = { ...FIGURE_PRESETS.single.style, preset: 'custom', widthIn: 5, fontPt: 7 };
    const { svg } = printSvg(DRAWN, { ...style, fontFamily: 'serif' });
    const root = elements(svg, 'svg')[0];
    expect(pt(root.get('width')!)).toBe(360);
    for (const t of elements(svg, 'text')) {
      expect((Number(t.get('font-size')) * 360) / 480).toBeCloseTo(7, 3);
      expect(t.get('font-family')).toMatch(/^&apos;DejaVu Serif&apos;/);
    }
  });

  it('keeps the drawing as it is on screen with the screen preset', () => {
    const { svg, widthPt } = printSvg(DRAWN, DEFAULT_FIGURE_STYLE);
    expect(widthPt).toBe(360);
    const root = elements(svg, 'svg')[0];
    expect(root.get('width')).toBe('480');
    expect(elements(svg, 'text').map((t) => t.get('font-size'))).toEqual(['11', '15']);
    expect(elements(svg, 'path')[0].get('stroke-width')).toBe('1.7');
  });

  it('refuses an SVG without a sized root and a style out of range, naming the field', () => {
    expect(() => printSvg('<svg xmlns="x"></svg>', FIGURE_PRESETS.single.style)).toThrow(/width\/height/);
    expect(() => validateFigureStyle({ ...FIGURE_PRESETS.single.style, fontPt: 0.5 })).toThrow(/^fontPt/);
    expect(() => validateFigureStyle({ ...FIGURE_PRESETS.single.style, widthIn: Number.NaN })).toThrow(/^widthIn/);
    expect(() => validateFigureStyle({ ...FIGURE_PRESETS.single.style, dpi: 1e6 })).toThrow(/^dpi/);
  });
});

describe('layoutSize and pngPixels', () => {
  it('lay the plot out so its 11 px text becomes the chosen pt, and rasterize at the dpi', () => {
    const single = FIGURE_PRESETS.single.style; // 3.3 × 2.4 in at 8 pt
    const size = layoutSize(single, 0.5)!;
    expect(size.w).toBe(Math.round((3.3 * 72 * 11) / 8));
    expect(size.h).toBe(Math.round((2.4 * 72 * 11) / 8));
    expect(layoutSize({ ...single, heightIn: null }, 0.5)!.h).toBe(Math.round((1.65 * 72 * 11) / 8));
    expect(layoutSize(DEFAULT_FIGURE_STYLE, 0.5)).toBeNull();
    const printed = printSvg(DRAWN, single);
    // the screen preset at its default 192 dpi: twice the CSS size
    expect(pngPixels(printSvg(DRAWN, DEFAULT_FIGURE_STYLE), DEFAULT_FIGURE_STYLE)).toEqual({ w: 960, h: 600 });
    expect(pngPixels(printed, single)).toEqual({ w: 3.3 * 600, h: Math.round(((3.3 * 300) / 480) * 600) });
  });
});

describe('withFigureStyle', () => {
  it('adds the figure style to a JSON object and leaves anything else as it is', () => {
    const single = FIGURE_PRESETS.single.style;
    expect(JSON.parse(withFigureStyle('{"plot":"plane"}', single))).toEqual({ plot: 'plane', figureStyle: single });
    expect(withFigureStyle('[1,2]', single)).toBe('[1,2]');
    expect(withFigureStyle('{"figureStyle":1}', single)).toBe('{"figureStyle":1}');
  });
});

describe('embedded fonts', () => {
  it('collects the characters the texts draw (tags stripped, entities decoded), not the title', () => {
    const svg =
      '<svg><title>Zz</title><text x="1">a&amp;b<tspan dy="2">σ</tspan>&#x3b8;&#955;</text><text>a</text></svg>';
    expect([...svgTextCharacters(svg)].sort().join('')).toBe([...'a&bσθλ'].sort().join(''));
  });

  it('puts an @font-face with the family and a data: URL right after the root tag', () => {
    const out = embedSvgFont('<?xml version="1.0"?>\n<svg width="1" height="1"><text>x</text></svg>', 'serif', 'QUJD');
    expect(out).toMatch(/^<\?xml[^>]*>\n<svg width="1" height="1"><defs><style>@font-face\{/);
    expect(out).toContain("font-family:'DejaVu Serif';src:url(data:font/ttf;base64,QUJD) format('truetype');");
  });

  it('validates the svgFonts field by name', () => {
    expect(() => validateFigureStyle({ ...DEFAULT_FIGURE_STYLE, svgFonts: 'paths' as 'embed' })).toThrow(/svgFonts/);
    expect(DEFAULT_FIGURE_STYLE.svgFonts).toBe('embed');
  });
});

describe('rasterSafeSvg', () => {
  it('keeps cell rasters pixelated without an inline style (the page CSP refuses them when it rasterizes)', () => {
    const cell = cellImage('data:,', 0, 0, 4, 4);
    const printed = printSvg(svgDocument(100, 50, 't', cell + text(1, 2, 'a')), FIGURE_PRESETS.single.style).svg;
    expect(printed).toContain('style="image-rendering:pixelated"');
    const safe = rasterSafeSvg(printed);
    expect(safe).not.toMatch(/style=/);
    expect(safe).toMatch(/<image\b[^>]* image-rendering="pixelated"/);
    expect(withPixelatedStyle(safe)).toMatch(/ image-rendering="optimizeSpeed" style="image-rendering:pixelated"/);
  });
});

describe('rasterScale', () => {
  it('upscales cells by a whole factor to reach the dpi at the printed size, 1 to 16', () => {
    expect(rasterScale(100, 2, 600)).toBe(12); // 1200 px over 100 cells
    expect(rasterScale(100, 2.01, 600)).toBe(13); // never below the dpi
    expect(rasterScale(200, 0.5, 96)).toBe(1);
    expect(rasterScale(10, 10, 2400)).toBe(16);
    expect(rasterScale(100, 0, 600)).toBe(1);
  });
});
