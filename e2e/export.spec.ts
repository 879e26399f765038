// Paper-ready exports in a real browser: the figure-style popover, SVG laid out at each size preset with every text
// at the chosen pt when placed at that width (parsed from the file), the PDF's page size (its MediaBox) and embedded
// font, no crosshair in the file, file names with the plot's key parameters, "Copy as Python" (script + CSV), and the
// SVG's embedded font (a DejaVu subset that draws the plot's characters and no others) or text drawn as outlines.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { FIGURE_PRESETS } from '../src-renderer/plots/figure-style';
import { download, downloadText, labPerFile, requireEngine } from './harness';
import { embeddedFont, fontMagic, glyphInk, inkCoverage } from './svg-checks';

const session = labPerFile();

/** Attributes of every element named `tag` in an SVG file's text, in document order. */
function elements(svg: string, tag: string): Map<string, string>[] {
  const re = new RegExp(`<${tag}\\b([^>]*?)/?>`, 'g');
  return [...svg.matchAll(re)].map((m) => new Map([...m[1].matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])));
}

async function choosePreset(page: Page, plot: string, preset: string): Promise<void> {
  await page.getByTestId(`export-${plot}-style`).click();
  await page.getByTestId('figure-preset').selectOption(preset);
  await expect.poll(() => page.getByTestId('figure-style').getAttribute('data-preset')).toBe(preset);
  await page.getByTestId(`export-${plot}-style`).click(); // close
  await page.getByTestId('figure-style').waitFor({ state: 'detached' });
}

describe('paper-ready export (web mode)', () => {
  it('lays the plane out at each preset with text at the chosen pt, and writes a PDF of that page size', async () => {
    const page = await session.open();
    const plane = page.getByTestId('plane');
    await plane.waitFor();
    const before = await plane.boundingBox();

    for (const id of ['single', 'double', 'slide'] as const) {
      const style = FIGURE_PRESETS[id].style;
      await choosePreset(page, 'plane', id);
      const { name, body } = await downloadText(page, 'export-plane-svg');
      expect(name).toBe('ntk-plane-M200-a1-finite.svg');
      const root = elements(body, 'svg')[0];
      const physW = Number(/^([\d.]+)pt$/.exec(root.get('width')!)![1]);
      const physH = Number(/^([\d.]+)pt$/.exec(root.get('height')!)![1]);
      const [, , vbW, vbH] = root.get('viewBox')!.split(' ').map(Number);
      expect(physW).toBeCloseTo(style.widthIn * 72, 2);
      // laid out at the preset's aspect (the plot redrew at that size), so the height is the preset's too
      expect(Math.abs(physH / (style.heightIn! * 72) - 1)).toBeLessThan(0.01);
      expect(physH / physW).toBeCloseTo(vbH / vbW, 3);
      const texts = elements(body, 'text');
      expect(texts.length).toBeGreaterThan(10); // ticks, axis titles, phase names, colour-bar labels
      for (const t of texts) {
        expect((Number(t.get('font-size')) * physW) / vbW).toBeCloseTo(style.fontPt, 2);
        expect(t.get('font-family')).toContain('DejaVu Sans');
      }
      // the crosshair (UI) is not in the figure; the colour bar is
      expect(body).not.toMatch(/<circle[^>]*r="7"/);
      expect(body).toContain('<image');
    }
    // the plane is back at its on-screen size
    await expect.poll(async () => (await plane.boundingBox())?.width).toBe(before?.width);

    // PDF at the single-column preset: one page of the printed size, DejaVu embedded (σ needs it)
    await choosePreset(page, 'plane', 'single');
    const pdf = await download(page, 'export-plane-pdf');
    expect(pdf.name).toBe('ntk-plane-M200-a1-finite.pdf');
    const text = pdf.body.toString('latin1');
    expect(text.startsWith('%PDF-')).toBe(true);
    const boxes = [...text.matchAll(/\/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]/g)];
    expect(boxes.length).toBe(1);
    const [x0, y0, x1, y1] = boxes[0].slice(1).map(Number);
    expect(x1 - x0).toBeCloseTo(3.3 * 72, 1);
    expect(Math.abs((y1 - y0) / (2.4 * 72) - 1)).toBeLessThan(0.01);
    expect(y0).toBe(0);
    expect(text).toMatch(/\/FontFile2/);
    expect(text).toMatch(/\/BaseFont\s*\/[A-Z+]*DejaVu/);

    // the JSON carries every setting: grid, colour mode, version, and the figure style of the exports
    const json = JSON.parse((await downloadText(page, 'export-plane-json')).body);
    expect(json.display).toMatchObject({ colourMode: 'dispersion', grid: { nx: 200, ny: 150 }, measuredLayer: null });
    expect(json.figureStyle).toMatchObject({ preset: 'single', widthIn: 3.3, fontPt: 8, dpi: 600 });
    expect(typeof json.version).toBe('string');
  });

  it('exports the ratio colour bar, file name and JSON when the measured layer colours by measured ÷ predicted', async () => {
    const page = await session.open();
    await requireEngine(page);
    await page.getByTestId('measure-slices').uncheck();
    await page.getByTestId('input-layer-samples').fill('50');
    await page.getByTestId('input-layer-samples').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('layer-levels').selectOption('1');
    await page.getByTestId('layer-toggle').check();
    await page.getByTestId('layer-mode-ratio').check({ force: true });
    await expect.poll(() => page.getByTestId('plane-colour-bar-title').textContent()).toContain('measured ÷ predicted');
    const { name, body } = await downloadText(page, 'export-plane-svg');
    expect(name).toBe('ntk-plane-M200-a1-finite-ratio.svg');
    const texts = [...body.matchAll(/<text\b[^>]*>([^<]*)/g)].map((m) => m[1].trim());
    expect(texts.some((t) => t.startsWith('measured ÷ predicted (finite width)'))).toBe(true);
    expect(texts).not.toContain('E[Θ²] / E[Θ]² (log scale)'); // not the dispersion bar
    const json = JSON.parse((await downloadText(page, 'export-plane-json')).body);
    expect(json.display.colourMode).toBe('ratio');
    expect(json.display.measuredLayer).toMatchObject({ samples: 50, levels: 1, mode: 'ratio' });
  });

  it('"Copy as Python" saves a script that reads every column it draws from the CSV saved with it', async () => {
    const page = await session.open();
    await page.getByTestId('slice-lambda').waitFor();
    const downloads: { name: string; body: string }[] = [];
    page.on('download', async (d) => {
      const path = await d.path();
      const { readFile } = await import('node:fs/promises');
      downloads.push({ name: d.suggestedFilename(), body: await readFile(path, 'utf8') });
    });
    await page.getByTestId('export-slice-lambda-python').click();
    await expect.poll(() => downloads.length).toBe(2);
    const csv = downloads.find((d) => d.name.endsWith('.csv'))!;
    const script = downloads.find((d) => d.name.endsWith('.py'))!;
    expect(csv.name).toMatch(/^ntk-slice-lambda-M200-a1-sigma[\d.]+\.csv$/);
    expect(script.name).toBe(csv.name.replace(/\.csv$/, '.py'));
    const header = csv.body.slice(0, csv.body.indexOf('\n')).split(',');
    expect(script.body).toContain(`CSV = "${csv.name}"`);
    expect(header).toContain('sigmaW2'); // the slice's fixed coordinate
    for (const c of ['depthToWidth', 'dispersion_finite', 'dispersion_limit', 'dispersion_exact']) {
      expect(header).toContain(c);
      expect(script.body).toContain(`col("${c}")`);
    }
    expect(script.body).toContain('ax.set_yscale("log")');
  });

  it('embeds a DejaVu subset in SVG exports by default, and only names the font when told to', async () => {
    const page = await session.open();
    await page.getByTestId('plane').waitFor();
    await choosePreset(page, 'plane', 'single');
    const { body } = await downloadText(page, 'export-plane-svg');
    const font = embeddedFont(body);
    expect(font?.family).toBe('DejaVu Sans');
    expect(fontMagic(font!.bytes)).toBe('ttf');
    expect(font!.bytes.length).toBeLessThan(300_000); // the whole DejaVu Sans is 760 kB
    const drawn = [...body.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)]
      .map((m) => m[1].replace(/<[^>]*>/g, ''))
      .join('');
    for (const ch of 'σλ0') expect(drawn).toContain(ch);
    expect(drawn).not.toMatch(/[жЖ]/);
    // in a real browser the subset draws the plot's glyphs and nothing for a character it does not use
    const ink = await glyphInk(page, font!.base64, 'σλ0жЖ');
    for (const ch of 'σλ0') expect(ink[ch], ch).toBeGreaterThan(20);
    expect(ink['ж']).toBe(0);
    expect(ink['Ж']).toBe(0);
    // the PNG is rasterized by the page (its CSP refuses the SVG's inline style; the font is looked up by name)
    const png = await download(page, 'export-plane-png');
    expect(png.body.subarray(1, 4).toString('latin1')).toBe('PNG');

    await page.getByTestId('export-plane-style').click();
    await page.getByTestId('figure-svg-fonts').selectOption('name');
    await page.getByTestId('export-plane-style').click();
    await page.getByTestId('figure-style').waitFor({ state: 'detached' });
    const named = (await downloadText(page, 'export-plane-svg')).body;
    expect(named).not.toContain('@font-face');
    expect(named).toContain('DejaVu Sans');
    // a preset keeps the font choice
    await choosePreset(page, 'plane', 'double');
    expect((await downloadText(page, 'export-plane-svg')).body).not.toContain('@font-face');
  });

  it('draws the text as DejaVu glyph outlines when told to: no <text>, the same ink as the text set in DejaVu', async () => {
    const page = await session.open();
    await page.getByTestId('plane').waitFor();
    await choosePreset(page, 'plane', 'single');
    await page.getByTestId('export-plane-style').click();
    await page.getByTestId('figure-svg-fonts').selectOption('name');
    await page.getByTestId('export-plane-style').click();
    await page.getByTestId('figure-style').waitFor({ state: 'detached' });
    const named = (await downloadText(page, 'export-plane-svg')).body;
    await page.getByTestId('export-plane-style').click();
    await page.getByTestId('figure-svg-fonts').selectOption('outline');
    await page.getByTestId('export-plane-style').click();
    await page.getByTestId('figure-style').waitFor({ state: 'detached' });
    const outlined = (await downloadText(page, 'export-plane-svg')).body;

    expect(outlined).not.toMatch(/<text\b/);
    expect(outlined).not.toContain('@font-face');
    // one group of glyph paths per text, labelled with its string, in the same order
    const strings = [...named.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)].map((m) =>
      m[1]
        .replace(/<[^>]*>/g, '')
        .replace(/&amp;/g, '&')
        .replace(/[ \t\n\r]+/g, ' ') // XML whitespace only: a no-break space is a character
        .trim(),
    );
    const labels = elements(outlined, 'g')
      .filter((g) => g.get('data-outlined') === 'text')
      .map((g) => (g.get('aria-label') ?? '').replace(/&amp;/g, '&'));
    expect(labels.length).toBeGreaterThan(10);
    expect(labels).toEqual(strings);
    // rendered side by side (the cells left out, the name-only file drawn with this machine's DejaVu in regular
    // weight): the outlines put the same ink where the browser sets the text, to anti-aliasing and hinting
    const plain = (svg: string) => svg.replace(/<image\b[^>]*\/>/g, '').replace(/ font-weight="[^"]*"/g, '');
    const cover = await inkCoverage(page, plain(named), plain(outlined), 4);
    expect(cover.inkA).toBeGreaterThan(5000);
    expect(cover.inkB / cover.inkA).toBeGreaterThan(0.85);
    expect(cover.inkB / cover.inkA).toBeLessThan(1.15);
    expect(cover.aInB).toBeGreaterThan(0.97);
    expect(cover.bInA).toBeGreaterThan(0.97);
    // the check sees misplaced text: every glyph moved right by 1.5 units (about 1 pt)
    const moved = plain(outlined).replace(
      /(<g [^>]*data-outlined="text"[^>]*>)([\s\S]*?<\/g>)/g,
      (_, open: string, body: string) => open + body.replace(/<path /g, '<path transform="translate(1.5 0)" '),
    );
    const off = await inkCoverage(page, plain(named), moved, 4);
    expect(Math.min(off.aInB, off.bInA)).toBeLessThan(0.9);
  });
});
