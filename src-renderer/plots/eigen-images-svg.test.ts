import { interpolateRdBu } from 'd3';
import { describe, expect, it } from 'vitest';
import { DESIGN_FONT_PX, FIGURE_PRESETS, layoutSize, printSvg } from './figure-style';
import { colourLut } from './heatmap';
import {
  eigenImageOrigin,
  eigenImagesHeight,
  eigenImagesLayout,
  eigenImagesSvg,
  fitEigenImagesLayout,
} from './eigen-images-svg';
import { textWidthEm } from './svg-build';

function elements(svg: string, tag: string): Map<string, string>[] {
  const re = new RegExp(`<${tag}\\b([^>]*?)/?>`, 'g');
  return [...svg.matchAll(re)].map((m) => new Map([...m[1].matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])));
}
const texts = (svg: string) => [...svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)].map((m) => m[1]);

describe('eigenImagesSvg', () => {
  const lut = colourLut((t) => interpolateRdBu(1 - t));
  const row = (name: string) => ({
    labels: [`${name} relu`, 'Sec. 2.2 parametrization', 'λ₁/mean λ = 3.2'] as const,
    images: [1, 2, 3].map((k) => ({ label: `λ${k} = 0.${k}`, href: `data:image/png;base64,${k}` })),
  });

  it('puts each eigenvector in one pixelated image of its square and every label in text, with a colour bar', () => {
    const l = eigenImagesLayout(800, 3, 2);
    const svg = eigenImagesSvg({ layout: l, rows: [row('standardized'), row('normalized')], lut, title: 'F' });
    const images = elements(svg, 'image');
    expect(images).toHaveLength(6);
    images.forEach((img, i) => {
      const o = eigenImageOrigin(l, Math.floor(i / 3), i % 3);
      expect([img.get('x'), img.get('y'), img.get('width')].map(Number)).toEqual([o.x, o.y, l.cell]);
      expect(img.get('style')).toBe('image-rendering:pixelated');
    });
    const t = texts(svg);
    for (const s of [
      'standardized relu',
      'normalized relu',
      'λ₁/mean λ = 3.2',
      'λ3 = 0.3',
      '0',
      '−max |v|',
      '+max |v|',
    ])
      expect(t).toContain(s);
    expect(elements(svg, 'rect').some((r) => r.get('fill') === 'url(#eigen-ramp)')).toBe(true);
    expect(Number(elements(svg, 'svg')[0].get('height'))).toBe(eigenImagesHeight(l));
  });

  it('prints every text at the chosen pt for a preset', () => {
    const style = FIGURE_PRESETS.double.style;
    const l = eigenImagesLayout(layoutSize(style, 0.5)!.w, 8, 1);
    const printed = printSvg(eigenImagesSvg({ layout: l, rows: [row('x')], lut, title: 'F' }), style);
    const root = elements(printed.svg, 'svg')[0];
    const k = Number(/^([\d.]+)pt$/.exec(root.get('width')!)![1]) / Number(root.get('viewBox')!.split(' ')[2]);
    const all = elements(printed.svg, 'text');
    expect(all.length).toBeGreaterThan(8);
    for (const e of all) expect(Number(e.get('font-size')) * k).toBeCloseTo(style.fontPt, 2);
  });

  it('fits the labels for print: row labels clear the images, image labels fit their column or take two lines', () => {
    const rows = ['standardized relu', 'Sec. 6: parent-based + layer rates', 'λ₁/mean λ = 26.1'];
    const images = Array.from({ length: 8 }, (_, k) => `λ${k + 1} = ${(40.25 - k).toFixed(1)}`);
    for (const id of ['single', 'double', 'slide'] as const) {
      const style = FIGURE_PRESETS[id].style;
      const w = layoutSize(style, 0.5)!.w;
      const em = (l: { width: number }) => (style.fontPt * l.width) / (style.widthIn * 72);
      const l = fitEigenImagesLayout(w, 8, 4, { rows, images }, em);
      const size = em(l);
      const rowWidth = Math.max(...rows.map(textWidthEm)) * size;
      if (l.top === 0) expect(l.left, id).toBeGreaterThanOrEqual(rowWidth);
      else {
        // above the images: on the page, three lines tall, and the column then takes ≤ 40 % of the width
        expect(rowWidth, id).toBeLessThanOrEqual(l.width - 2);
        expect(l.top, id).toBeGreaterThanOrEqual(3 * 1.2 * size);
        expect(rowWidth + 10, id).toBeGreaterThan(0.4 * l.width);
      }
      expect(size, id).toBeLessThan(2 * DESIGN_FONT_PX); // the drawing grew less than twofold
      const pitch = l.cell + 8;
      const widest = Math.max(...images.map(textWidthEm)) * size;
      if (l.labelLines === 1) expect(widest, id).toBeLessThanOrEqual(pitch);
      else {
        const parts = images.flatMap((s) => s.split(' = '));
        expect(Math.max(...parts.map(textWidthEm)) * size + 0.5, id).toBeLessThanOrEqual(pitch);
        expect(l.labelH, id).toBeGreaterThanOrEqual(2.2 * size);
      }
      // the SVG puts the two lines in the label band, under the image
      const svg = eigenImagesSvg({
        layout: l,
        rows: [
          {
            labels: rows as unknown as [string, string, string],
            images: images.map((label) => ({ label, href: 'x' })),
          },
        ],
        lut,
        title: 'F',
      });
      if (l.labelLines === 2) expect(svg).toContain('λ1 =<tspan');
    }
    // double column at 9 pt: 8 one-line labels would overlap, so they take two lines
    const double = FIGURE_PRESETS.double.style;
    const em = (l: { width: number }) => (double.fontPt * l.width) / (double.widthIn * 72);
    expect(fitEigenImagesLayout(layoutSize(double, 0.5)!.w, 8, 4, { rows, images }, em).labelLines).toBe(2);
  });
});
