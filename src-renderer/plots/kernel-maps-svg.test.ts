import { describe, expect, it } from 'vitest';
import { FIGURE_PRESETS, layoutSize, printSvg } from './figure-style';
import { colourLut } from './heatmap';
import {
  digitStride,
  fitKernelMapsLayout,
  kernelMapOrigin,
  kernelMapsLayout,
  kernelMapsSvg,
  type KernelMapCell,
} from './kernel-maps-svg';
import { textWidthEm } from './svg-build';

function elements(svg: string, tag: string): Map<string, string>[] {
  const re = new RegExp(`<${tag}\\b([^>]*?)/?>`, 'g');
  return [...svg.matchAll(re)].map((m) => new Map([...m[1].matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])));
}
const texts = (svg: string) =>
  [...svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)].map((m) => m[1].replace(/<[^>]*>/g, ''));

const HREF = 'data:image/png;base64,AAAA';
const cell = (min: number, max: number): KernelMapCell => ({ href: HREF, range: { min, max }, note: '' });

describe('kernelMapsSvg', () => {
  const layout = kernelMapsLayout(700, 2, 2);
  const svg = kernelMapsSvg({
    layout,
    runs: [
      { sigmaW2: 1.5, colour: '#1f77b4' },
      { sigmaW2: 2, colour: '#ff7f0e' },
    ],
    steps: [0, 30],
    cells: [cell(0.25, 4.5), cell(0.5, 30), cell(1.5, 2.5), { href: null, range: null, note: 'diverged at step 12' }],
    lut: colourLut(),
    title: 'maps & more',
  });

  it('writes every label as text and only the cells as rasters (one pixelated image per map)', () => {
    const images = elements(svg, 'image');
    expect(images).toHaveLength(3);
    images.forEach((img, k) => {
      const [r, c] = [Math.floor(k / 2), k % 2];
      const o = kernelMapOrigin(layout, r, c);
      // exactly the map's square: no axis, title or colour bar inside the raster
      expect(Number(img.get('x'))).toBeCloseTo(o.x, 3);
      expect(Number(img.get('y'))).toBeCloseTo(o.y, 3);
      expect(Number(img.get('width'))).toBe(layout.side);
      expect(Number(img.get('height'))).toBe(layout.side);
      expect(img.get('style')).toBe('image-rendering:pixelated');
    });
    const t = texts(svg);
    expect(t).toContain('σw2 = 1.5'); // σ_w² typeset with tspans
    expect(t.filter((s) => s === 'step 0')).toHaveLength(2);
    expect(t.filter((s) => s === 'step 30')).toHaveLength(2);
    for (const v of ['0.25', '4.5', '0.5', '30', '1.5', '2.5']) expect(t).toContain(v);
    expect(t).toContain('diverged at step 12');
    // digit labels of the class blocks, left and top of every map
    const stride = digitStride(layout.side);
    expect(t.filter((s) => s === '0')).toHaveLength(4 * 2);
    expect(t.filter((s) => /^\d$/.test(s)).length).toBe(4 * 2 * Math.ceil(10 / stride));
    // the colour bar is a vector gradient of the colour map
    expect(elements(svg, 'stop').length).toBeGreaterThan(8);
    expect(elements(svg, 'rect').filter((r) => r.get('fill') === 'url(#kernel-ramp)')).toHaveLength(3);
    expect(svg).toContain('<title>maps &amp; more</title>');
  });

  it('prints every text at the chosen pt when laid out for a preset', () => {
    for (const id of ['single', 'double', 'slide'] as const) {
      const style = FIGURE_PRESETS[id].style;
      const l = kernelMapsLayout(layoutSize(style, 0.6)!.w, 4, 1);
      const page = kernelMapsSvg({
        layout: l,
        runs: [{ sigmaW2: 2, colour: '#000000' }],
        steps: [0, 1, 2, 3],
        cells: [cell(0, 1), cell(0, 1), cell(0, 1), cell(0, 1)],
        lut: colourLut(),
        title: 't',
      });
      const printed = printSvg(page, style);
      const root = elements(printed.svg, 'svg')[0];
      const physW = Number(/^([\d.]+)pt$/.exec(root.get('width')!)![1]);
      const vbW = Number(root.get('viewBox')!.split(' ')[2]);
      expect(physW).toBeCloseTo(style.widthIn * 72, 2);
      const all = elements(printed.svg, 'text');
      expect(all.length).toBeGreaterThan(20);
      for (const t of all) expect((Number(t.get('font-size')) * physW) / vbW).toBeCloseTo(style.fontPt, 2);
    }
  });

  it('grows the drawing rather than shrinking maps below 60 px, and labels fewer digits on small maps', () => {
    const l = kernelMapsLayout(200, 4, 3);
    expect(l.side).toBe(60);
    expect(l.width).toBeGreaterThanOrEqual(kernelMapOrigin(l, 0, 3).x + 60);
    expect(l.height).toBe(3 * l.rowH + 4);
    expect(digitStride(230)).toBe(1);
    expect(digitStride(60)).toBe(2);
    expect(digitStride(30)).toBe(5);
  });

  it('fits the labels for print: both colour-bar ends side by side under a map, bands as tall as the text', () => {
    const labels = {
      rows: ['σw2 = 1.5', 'σw2 = 2.25'],
      steps: ['step 0', 'step 30', 'step 300', 'step 3000'],
      ranges: [
        ['10.5', '58.5'],
        ['1.23e+4', '4.56e+4'],
      ] as const,
    };
    for (const id of ['single', 'double', 'slide'] as const) {
      const style = FIGURE_PRESETS[id].style;
      const em = (l: { width: number }) => (style.fontPt * l.width) / (style.widthIn * 72);
      const l = fitKernelMapsLayout(layoutSize(style, 0.6)!.w, 4, 2, labels, em);
      const size = em(l);
      expect(Math.abs(size / l.fontSize - 1), id).toBeLessThan(1e-3); // the text prints at the size laid out for
      const ends = l.rangeLines === 1 ? textWidthEm('1.23e+4') + textWidthEm('4.56e+4') : textWidthEm('4.56e+4');
      expect(l.side, id).toBeGreaterThanOrEqual(ends * size);
      if (l.rangeLines === 2) expect(l.bar, id).toBeGreaterThanOrEqual(10 + 2.4 * size);
      // step titles centred over their maps: one pitch apart, less half an em
      expect(l.side + l.digits + 18, id).toBeGreaterThanOrEqual((textWidthEm('step 3000') + 0.5) * size - 1);
      expect(l.left, id).toBeGreaterThanOrEqual(textWidthEm('σw2 = 2.25') * size);
      expect(l.title, id).toBeGreaterThanOrEqual(1.2 * size);
      expect(l.digits, id).toBeGreaterThanOrEqual(1.1 * size);
      expect((digitStride(l.side, size) * l.side) / 10, id).toBeGreaterThanOrEqual(0.8 * size);
    }
    // 3.3 in at 8 pt: four maps cannot each hold two 7-character ends side by side
    const single = FIGURE_PRESETS.single.style;
    const em1 = (l: { width: number }) => (single.fontPt * l.width) / (single.widthIn * 72);
    expect(fitKernelMapsLayout(layoutSize(single, 0.6)!.w, 4, 2, labels, em1).rangeLines).toBe(2);
    const short = { ...labels, ranges: [['10.5', '58.5']] as const };
    expect(fitKernelMapsLayout(layoutSize(single, 0.6)!.w, 3, 2, short, em1).rangeLines).toBe(1);
  });
});
