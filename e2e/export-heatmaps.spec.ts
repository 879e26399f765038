// Vector exports of the plots drawn on a canvas on screen, in a real browser: the training-dynamics kernel heat maps
// and Jacot et al.'s Fig. 2 eigenvector images. Parsed from the saved files: every label, tick and colour-bar range
// is SVG text at the chosen pt, only the cells are rasters (decoded here: a whole-number upscale of the cell grid at
// the preset's dpi, one colour per cell), the colour bars are gradients, and the PDF has the preset's page size.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { FIGURE_PRESETS } from '../src-renderer/plots/figure-style';
import { download, downloadText, labPerFile, requireEngine } from './harness';
import { embeddedFont, rasterFacts } from './svg-checks';

const session = labPerFile();

function elements(svg: string, tag: string): Map<string, string>[] {
  const re = new RegExp(`<${tag}\\b([^>]*?)/?>`, 'g');
  return [...svg.matchAll(re)].map((m) => new Map([...m[1].matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])));
}
const texts = (svg: string) =>
  [...svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)].map((m) => m[1].replace(/<[^>]*>/g, ''));

async function choosePreset(page: Page, plot: string, preset: string): Promise<void> {
  await page.getByTestId(`export-${plot}-style`).click();
  await page.getByTestId('figure-preset').selectOption(preset);
  await expect.poll(() => page.getByTestId('figure-style').getAttribute('data-preset')).toBe(preset);
  await page.getByTestId(`export-${plot}-style`).click(); // close
  await page.getByTestId('figure-style').waitFor({ state: 'detached' });
}

/** The printed page: pt per viewBox unit, and the width in pt. */
function printedScale(svg: string): { k: number; widthPt: number; heightPt: number } {
  const root = elements(svg, 'svg')[0];
  const widthPt = Number(/^([\d.]+)pt$/.exec(root.get('width')!)![1]);
  const heightPt = Number(/^([\d.]+)pt$/.exec(root.get('height')!)![1]);
  return { k: widthPt / Number(root.get('viewBox')!.split(' ')[2]), widthPt, heightPt };
}

/** Every <text> at `pt` when the page is placed at its printed size. */
function expectTextAt(svg: string, pt: number): void {
  const { k } = printedScale(svg);
  const all = elements(svg, 'text');
  expect(all.length).toBeGreaterThan(5);
  for (const t of all) {
    expect(Number(t.get('font-size')) * k).toBeCloseTo(pt, 2);
    expect(t.get('font-family')).toContain('DejaVu Sans');
  }
}

/** Each cell raster: a whole-number upscale of `cells` × `cells` with one colour per cell, ≥ dpi at its size. */
async function expectCellRasters(page: Page, svg: string, cells: number, dpi: number, count: number): Promise<void> {
  const { k } = printedScale(svg);
  const images = elements(svg, 'image');
  expect(images).toHaveLength(count);
  for (const img of images) {
    expect(img.get('style')).toMatch(/image-rendering:\s*pixelated/);
    const facts = await rasterFacts(page, img.get('href')!, cells);
    expect(facts.width % cells).toBe(0);
    expect(facts.blocksUniform).toBe(true);
    expect(facts.colours.length).toBeGreaterThan(10);
    const inches = (Number(img.get('width')) * k) / 72;
    expect(facts.width / inches).toBeGreaterThanOrEqual(dpi - 1e-6);
  }
}

function expectPdfPage(body: Buffer, widthIn: number, heightPt: number): void {
  const text = body.toString('latin1');
  expect(text.startsWith('%PDF-')).toBe(true);
  const boxes = [...text.matchAll(/\/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]/g)];
  expect(boxes).toHaveLength(1);
  const [x0, y0, x1, y1] = boxes[0].slice(1).map(Number);
  expect(x1 - x0).toBeCloseTo(widthIn * 72, 1);
  expect(y1 - y0).toBeCloseTo(heightPt, 0);
  expect(text).toMatch(/\/FontFile2/); // σ and λ need the embedded DejaVu
  expect(text).toMatch(/\/Subtype\s*\/Image/);
}

describe('vector exports of canvas plots (web mode)', () => {
  it('kernel heat maps: text, ticks and colour-bar ranges as text at the preset pt, cells as rasters', async () => {
    const page = await session.open();
    await requireEngine(page);
    await page.getByTestId('measure-slices').uncheck();
    await page.getByTestId('tab-train').click();
    await page.getByTestId('train-panel').waitFor();
    await page.getByTestId('train-input-sigmas').fill('2');
    for (const [id, v] of [
      ['depth', '3'],
      ['width', '16'],
      ['steps', '6'],
      ['train', '200'],
      ['test', '100'],
      ['batch', '50'],
    ] as const) {
      await page.getByTestId(`train-input-${id}`).fill(v);
      await page.getByTestId(`train-input-${id}`).press('Enter'); // number fields commit on Enter or blur
    }
    await page.getByTestId('train-input-record').fill('0,3,6');
    await page.getByTestId('train-start').click();
    const card = page.getByTestId('train-heatmaps');
    await expect.poll(() => card.getAttribute('data-kernels'), { timeout: 60_000, interval: 250 }).toBe('3');

    const style = FIGURE_PRESETS.single.style;
    await choosePreset(page, 'train-kernels', 'single');
    const { name, body } = await downloadText(page, 'export-train-kernels-svg');
    expect(name).toMatch(/^ntk-train-ntk-heatmaps-.*\.svg$/);
    expect(printedScale(body).widthPt).toBeCloseTo(style.widthIn * 72, 2);
    expectTextAt(body, style.fontPt);
    const t = texts(body);
    for (const s of ['σw2 = 2', 'step 0', 'step 3', 'step 6']) expect(t).toContain(s);
    expect(t.filter((s) => /^\d$/.test(s)).length).toBeGreaterThanOrEqual(3 * 2 * 2); // class digits, both axes
    // each map's own range under its colour bar (a gradient, not pixels)
    expect(elements(body, 'rect').filter((r) => r.get('fill') === 'url(#kernel-ramp)')).toHaveLength(3);
    expect(t.filter((s) => /^-?[\d.]+(e[+-]?\d+)?$/.test(s) && !/^\d$/.test(s)).length).toBeGreaterThanOrEqual(6);
    await expectCellRasters(page, body, 100, style.dpi, 3);
    expect(embeddedFont(body)?.family).toBe('DejaVu Sans');

    const pdf = await download(page, 'export-train-kernels-pdf');
    expectPdfPage(pdf.body, style.widthIn, printedScale(body).heightPt);
    const png = await download(page, 'export-train-kernels-png');
    expect(png.body.subarray(1, 4).toString('latin1')).toBe('PNG');

    // outline fonts: the same labels as glyph paths, the cells untouched
    await page.getByTestId('export-train-kernels-style').click();
    await page.getByTestId('figure-svg-fonts').selectOption('outline');
    await page.getByTestId('export-train-kernels-style').click();
    await page.getByTestId('figure-style').waitFor({ state: 'detached' });
    const outlined = (await downloadText(page, 'export-train-kernels-svg')).body;
    expect(outlined).not.toMatch(/<text\b/);
    const labels = elements(outlined, 'g').filter((g) => g.get('data-outlined') === 'text');
    expect(labels.map((g) => g.get('aria-label'))).toEqual(t.filter((s) => s.trim() !== ''));
    expect(elements(outlined, 'image')).toHaveLength(3);
  });

  it('Fig. 2 eigenvector images: labels and the diverging colour bar as text, each mosaic a raster', async () => {
    const page = await session.open();
    await page.getByTestId('measure-slices').uncheck();
    await page.getByTestId('tab-freeze-chaos').click();
    await page.getByTestId('fc-eig-fig2').click();
    const card = page.getByTestId('fc-eigen');
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 180_000, interval: 500 }).toBe('done');

    const style = FIGURE_PRESETS.double.style;
    await choosePreset(page, 'fc-eigen', 'double');
    const { name, body } = await downloadText(page, 'export-fc-eigen-svg');
    expect(name).toBe('ntk-fc-eigen-relu-b0.1.svg');
    expect(printedScale(body).widthPt).toBeCloseTo(style.widthIn * 72, 2);
    expectTextAt(body, style.fontPt);
    const t = texts(body);
    for (const s of ['standardized relu', 'normalized relu', '−max |v|', '+max |v|', 'eigenvector entry'])
      expect(t).toContain(s);
    expect(t.filter((s) => /^λ\d = ?[\d.]+$/.test(s))).toHaveLength(4 * 8); // one line or two
    expect(elements(body, 'rect').filter((r) => r.get('fill') === 'url(#eigen-ramp)')).toHaveLength(1);
    // 4 configurations × 8 eigenvectors, each a 2 × 2 mosaic of 22 × 22 images
    await expectCellRasters(page, body, 44, style.dpi, 4 * 8);

    const pdf = await download(page, 'export-fc-eigen-pdf');
    expectPdfPage(pdf.body, style.widthIn, printedScale(body).heightPt);
  }, 300_000);
});
