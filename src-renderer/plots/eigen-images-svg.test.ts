import { interpolateRdBu } from 'd3';
import { describe, expect, it } from 'vitest';
import { FIGURE_PRESETS, layoutSize, printSvg } from './figure-style';
import { colourLut } from './heatmap';
import { eigenImageOrigin, eigenImagesHeight, eigenImagesLayout, eigenImagesSvg } from './eigen-images-svg';

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
});
