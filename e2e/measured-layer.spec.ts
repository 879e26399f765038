// The plane's measured layer in web mode: real host, real engine, Debian's chromium. Expected numbers come from
// the theory module run here in Node and from plots/heatmap.ts's colour scale (not from the layer's own code).
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { dispersionGrid, predictPoint } from '../src-shared/theory';
import { cellCentres, PLANE } from '../src-renderer/lib/plane';
import { colourLut, DEFAULT_INTERPOLATOR, logDomain, paintHeatmap } from '../src-renderer/plots/heatmap';
import { planePoint } from './checks';
import { downloadText, labPerFile, parseCsv, requireEngine, type PageCanvas, type PageGlobals } from './harness';

const WIDTH = 30;
const N = 600; // distinct from the cursor's and slices' N, so the layer's jobs can be told apart on the wire

const session = labPerFile();

interface Wire {
  /** job.start requests (kind measure) of the layer (samples = N), in order. */
  starts: { width: number; sigmaW2: number; depth: number }[];
  cancels: number;
  /** Most layer jobs running at once, from start responses, done/error events and cancels. */
  maxInFlight: number;
}

/** Watches the layer's jobs in a page's WebSocket frames. */
function watchWire(page: Page): Wire {
  const wire: Wire = { starts: [], cancels: 0, maxInFlight: 0 };
  const layerRequests = new Set<string>();
  const inFlight = new Set<string>();
  page.on('websocket', (ws) => {
    ws.on('framesent', ({ payload }) => {
      const m = JSON.parse(String(payload));
      if (m.method === 'job.start' && m.job.kind === 'measure' && m.job.params.samples === N) {
        layerRequests.add(m.id);
        const p = m.job.params;
        wire.starts.push({ width: p.width, sigmaW2: p.sigmaW2, depth: p.depth });
      } else if (m.method === 'job.cancel' && inFlight.delete(m.jobId)) {
        wire.cancels++;
      }
    });
    ws.on('framereceived', ({ payload }) => {
      const m = JSON.parse(String(payload));
      if (m.kind === 'response' && layerRequests.delete(m.id) && m.ok) {
        inFlight.add(m.result.jobId);
        wire.maxInFlight = Math.max(wire.maxInFlight, inFlight.size);
      } else if (m.kind === 'event' && m.event !== 'job.progress') {
        inFlight.delete(m.jobId);
      }
    });
  });
  return wire;
}

/** A fresh page on a connected engine, its WebSocket frames watched from the first one on. */
async function open(): Promise<{ page: Page; wire: Wire }> {
  let wire: Wire | undefined;
  const page = await session.open({ beforeLoad: (p) => (wire = watchWire(p)) });
  await requireEngine(page);
  return { page, wire: wire! };
}

const attr = async (page: Page, testid: string, name: string) =>
  Number(await page.getByTestId(testid).getAttribute(name));
const done = (page: Page) => attr(page, 'layer-progress', 'data-done');
const finished = async (page: Page) => (await done(page)) + (await attr(page, 'layer-progress', 'data-failed'));

async function setUp(page: Page, levels: number, slices: boolean): Promise<void> {
  // the cursor and the slices share the connection's 8 job slots with the layer; N = 2000 keeps them short
  await page.getByTestId('input-samples').fill('2000');
  await page.getByTestId('input-samples').press('Enter'); // number fields commit on Enter or blur
  if (!slices) await page.getByTestId('measure-slices').uncheck();
  await page.getByTestId('input-width').fill(String(WIDTH));
  await page.getByTestId('input-width').press('Enter'); // number fields commit on Enter or blur
  await page.getByTestId('input-layer-samples').fill(String(N));
  await page.getByTestId('input-layer-samples').press('Enter'); // number fields commit on Enter or blur
  await page.getByTestId('layer-levels').selectOption(String(levels));
  await page.getByTestId('layer-toggle').check();
}

/** RGBA of the layer canvas at the centres of the given (σ_w², λ) points. */
async function layerPixels(page: Page, points: readonly [number, number][]): Promise<number[][]> {
  return page.evaluate(
    ({ points, plane }) => {
      const g = globalThis as unknown as PageGlobals;
      const c = g.document.querySelector('[data-testid="layer-canvas"]') as PageCanvas | null;
      const ctx = c?.getContext('2d');
      if (!c || !ctx) throw new Error('no layer canvas');
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      return points.map(([s, l]) => {
        const x = Math.floor(((s - plane.s0) / (plane.s1 - plane.s0)) * c.width);
        const y = Math.floor((1 - (l - plane.l0) / (plane.l1 - plane.l0)) * c.height);
        const p = 4 * (y * c.width + x);
        return [d[p], d[p + 1], d[p + 2], d[p + 3]];
      });
    },
    {
      points,
      plane: { s0: PLANE.sigmaW2.min, s1: PLANE.sigmaW2.max, l0: PLANE.depthToWidth.min, l1: PLANE.depthToWidth.max },
    },
  );
}

/** Decode a PNG data URL in the page and read RGBA at (σ_w², λ) points of the plotted window it covers. */
async function rasterPixels(
  page: Page,
  href: string,
  points: readonly [number, number][],
): Promise<{ width: number; height: number; pixels: number[][] }> {
  return page.evaluate(
    async ({ href, points }) => {
      interface Img {
        src: string;
        width: number;
        height: number;
        decode(): Promise<void>;
      }
      interface Ctx {
        drawImage(i: Img, x: number, y: number): void;
        getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
      }
      const g = globalThis as unknown as {
        Image: new () => Img;
        document: { createElement(t: 'canvas'): { width: number; height: number; getContext(k: '2d'): Ctx | null } };
      };
      const img = new g.Image();
      img.src = href;
      await img.decode();
      const c = g.document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const ctx = c.getContext('2d');
      if (!ctx) throw new Error('no 2D canvas');
      ctx.drawImage(img, 0, 0);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      const pixels = points.map(([s, l]) => {
        const x = Math.floor(((s - 0.5) / 3.5) * c.width);
        const y = Math.floor((1 - l / 1.5) * c.height);
        const p = 4 * (y * c.width + x);
        return [d[p], d[p + 1], d[p + 2], d[p + 3]];
      });
      return { width: c.width, height: c.height, pixels };
    },
    { href, points },
  );
}

const downloadCsv = async (page: Page, testid: string): Promise<string[][]> =>
  parseCsv((await downloadText(page, testid)).body);

/** Centres of an nx × ny grid over the plotted window, row-major from the bottom row. */
function centres(nx: number, ny: number): [number, number][] {
  const out: [number, number][] = [];
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) out.push([0.5 + ((i + 0.5) * 3.5) / nx, ((j + 0.5) * 1.5) / ny]);
  return out;
}

describe('measured layer (web mode)', () => {
  it('measures coarse to fine, paints each cell in the plane colours, reads out a cell and exports the cells', async () => {
    const { page, wire } = await open();
    await setUp(page, 2, true); // 8 × 6, then 16 × 12
    await expect.poll(() => attr(page, 'layer-progress', 'data-planned')).toBe(48 + 192);
    await expect.poll(() => finished(page), { timeout: 20_000 }).toBeGreaterThanOrEqual(48);
    await expect.poll(() => page.getByTestId('layer-progress').textContent(), { timeout: 30_000 }).toMatch(/^done/);
    const total = await finished(page);
    expect(total).toBe(48 + 192);
    // coarse first on the wire: every level-0 network was requested before any finer one
    const level0 = new Set(centres(8, 6).map(([s]) => s));
    const firstFine = wire.starts.findIndex((st) => !level0.has(st.sigmaW2));
    expect(wire.starts.slice(0, firstFine).length).toBeGreaterThanOrEqual(48 - 8); // rows sharing L are one job
    expect(wire.starts.slice(firstFine).some((st) => level0.has(st.sigmaW2))).toBe(false);
    expect(wire.maxInFlight).toBeGreaterThan(0);
    expect(wire.maxInFlight).toBeLessThanOrEqual(6);
    expect(wire.starts.every((st) => st.width === WIDTH)).toBe(true);

    // the CSV has every finished cell; ordered-phase cells with light tails agree with Thm 3.2
    const csv = await downloadCsv(page, 'export-plane-measured-csv');
    const head = csv[0];
    const col = (name: string) => {
      const k = head.indexOf(name);
      if (k < 0) throw new Error(`CSV has no column ${name}`);
      return k;
    };
    expect(head).toEqual(
      expect.arrayContaining([
        'sigmaW2',
        'depthToWidth',
        'depth',
        'measured_samples',
        'measured_dispersion',
        'measured_stderr',
        'measured_tailShare',
        'predicted_finite',
      ]),
    );
    const rows = csv.slice(1);
    expect(rows.length).toBe(total);
    let checked = 0;
    for (const r of rows) {
      const sigmaW2 = Number(r[col('sigmaW2')]);
      const depthToWidth = Number(r[col('depthToWidth')]);
      const depth = Number(r[col('depth')]);
      expect(depth).toBe(Math.max(1, Math.round(depthToWidth * WIDTH)));
      const p = predictPoint({ sigmaW2, depth, width: WIDTH, inputDim: WIDTH });
      expect(Number(r[col('predicted_finite')])).toBeCloseTo(p.dispersion.finite, 12);
      if (r[col('status')] !== 'done' || sigmaW2 > 1.2 || Number(r[col('reliable')]) !== 1) continue;
      expect(Number(r[col('measured_samples')])).toBe(N);
      const est = Number(r[col('measured_dispersion')]);
      const se = Number(r[col('measured_stderr')]);
      // Thm 3.2 drops O(M^{-3/2}) terms (THEORY.md): 5 SE of sampling error plus 2 % model error at M = 30
      if (!(Math.abs(est - p.dispersion.finite) < 5 * se + 0.02 * p.dispersion.finite)) {
        throw new Error(
          `cell σ_w² = ${sigmaW2}, L = ${depth}: measured ${est} ± ${se}, Thm 3.2 ${p.dispersion.finite}`,
        );
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(30);

    // pixels: every 16 × 12 cell is painted at its centre; the 8 × 6 cells, all refined, are gone (their centres are
    // corners of the fine cells); a reliable cell has exactly the heat map's colour for its measured value
    const fine = centres(16, 12);
    const coarse = centres(8, 6);
    const px = await layerPixels(page, [...fine, ...coarse]);
    expect(px.slice(0, fine.length).every((p) => p[3] === 255)).toBe(true);
    expect(px.slice(fine.length).every((p) => p[3] === 0)).toBe(true);
    const grid = dispersionGrid({
      sigmaW2: cellCentres(PLANE.sigmaW2),
      depthToWidth: cellCentres(PLANE.depthToWidth),
      width: WIDTH,
      alpha0: 1,
      kind: 'finite',
    });
    const domain = logDomain(grid)!;
    const lut = colourLut(DEFAULT_INTERPOLATOR, 256);
    const fineRows = rows.filter((r) => r[col('level')] === '1' && r[col('reliable')] === '1');
    expect(fineRows.length).toBeGreaterThan(50);
    for (const r of fineRows) {
      const s = Number(r[col('sigmaW2')]);
      const l = Number(r[col('depthToWidth')]);
      const k = fine.findIndex(([fs, fl]) => Math.abs(fs - s) < 1e-9 && Math.abs(fl - l) < 1e-9);
      const expected = new Uint8ClampedArray(4);
      paintHeatmap([Number(r[col('measured_dispersion')])], 1, 1, domain, lut, expected);
      expect(px[k].slice(0, 3), `cell σ_w² = ${s}, λ = ${l}`).toEqual([expected[0], expected[1], expected[2]]);
    }

    // hover a deep-ordered cell: the readout gives its value ± SE and N, next to Thm 3.2 at the same network
    const at = await planePoint(page, 1.0, 0.3);
    await page.mouse.move(at.x, at.y);
    const readout = page.getByTestId('layer-readout');
    await expect.poll(() => readout.getAttribute('data-sigma-w2')).toBe(String(0.5 + 2.5 * (3.5 / 16)));
    expect(Number(await readout.getAttribute('data-depth-to-width'))).toBeCloseTo(2.5 * (1.5 / 12), 12);
    const depth = Number(await readout.getAttribute('data-depth'));
    expect(depth).toBe(Math.round(2.5 * (1.5 / 12) * WIDTH));
    const est = Number(await readout.getAttribute('data-estimate'));
    const se = Number(await readout.getAttribute('data-stderr'));
    expect(Number(await readout.getAttribute('data-samples'))).toBe(N);
    expect(se).toBeGreaterThan(0);
    const p = predictPoint({ sigmaW2: 0.5 + 2.5 * (3.5 / 16), depth, width: WIDTH, inputDim: WIDTH });
    expect(Number(await readout.getAttribute('data-predicted'))).toBeCloseTo(p.dispersion.finite, 12);
    expect(Math.abs(est - p.dispersion.finite)).toBeLessThan(5 * se + 0.02 * p.dispersion.finite);
    const text = (await readout.textContent()) ?? '';
    expect(text).toContain('±');
    expect(text).toContain(`N = ${N}`);
    const row = rows.find(
      (r) =>
        Number(r[col('sigmaW2')]) === 0.5 + 2.5 * (3.5 / 16) &&
        r[col('level')] === '1' &&
        Number(r[col('depth')]) === depth,
    )!;
    expect(Number(row[col('measured_dispersion')])).toBe(est); // the file and the screen show the same number

    // the plane's own CSV is untouched by the layer
    const plane = await downloadCsv(page, 'export-plane-csv');
    expect(plane[0]).toEqual(['sigmaW2', 'depthToWidth', 'depth', 'dispersion']);
    expect(plane.length).toBe(1 + 200 * 150);
    // the slices, measured meanwhile on the same connection, were never starved of job slots
    expect(await page.getByTestId('slice-lambda').textContent()).not.toContain('failed');
    expect(await page.getByTestId('slice-sigma').textContent()).not.toContain('failed');

    // the plane's JSON names the layer's sampling; the SVG's raster has the prediction with the cells on top
    expect(JSON.parse((await downloadText(page, 'export-plane-json')).body).measurement).toEqual({
      samples: N,
      seed: 1,
      method: 'exact',
    });
    const href = /<image[^>]*href="(data:image\/png;base64,[^"]+)"/.exec(
      (await downloadText(page, 'export-plane-svg')).body,
    )?.[1];
    expect(href).toBeDefined();
    const probe = fineRows[0];
    const probeAt: [number, number] = [Number(probe[col('sigmaW2')]), Number(probe[col('depthToWidth')])];
    const raster = await rasterPixels(page, href!, [coarse[0], probeAt]);
    // a refined 8 × 6 centre shows the prediction: the heat map's own pixel there
    const rw = raster.width / 200;
    const rh = raster.height / 150;
    const ci = Math.floor(Math.floor(((coarse[0][0] - 0.5) / 3.5) * raster.width) / rw);
    const cj = 149 - Math.floor(Math.floor((1 - coarse[0][1] / 1.5) * raster.height) / rh);
    const heat = new Uint8ClampedArray(4);
    paintHeatmap([grid[cj * 200 + ci]], 1, 1, domain, lut, heat);
    expect(raster.pixels[0]).toEqual([heat[0], heat[1], heat[2], 255]);
    const cellColour = new Uint8ClampedArray(4);
    paintHeatmap([Number(probe[col('measured_dispersion')])], 1, 1, domain, lut, cellColour);
    expect(raster.pixels[1]).toEqual([cellColour[0], cellColour[1], cellColour[2], 255]);

    await page.getByTestId('layer-mode-ratio').check({ force: true });
    await page.waitForTimeout(100); // one animation frame
    await page.screenshot({ path: `${tmpdir()}/ntk-measured-layer.png` }); // for a human look; nothing asserted
  });

  it('toggling off cancels the outstanding jobs; a new M cancels and restarts', async () => {
    const { page, wire } = await open();
    await setUp(page, 4, false); // 4 080 cells: still running when switched off
    await expect.poll(() => finished(page), { timeout: 20_000 }).toBeGreaterThanOrEqual(100);
    await page.getByTestId('layer-toggle').uncheck();
    await expect.poll(() => page.getByTestId('layer-progress').textContent()).toBe('off');
    expect(await done(page)).toBe(0);
    await page.waitForTimeout(300); // starts already on their way when the toggle flipped
    const startsAtOff = wire.starts.length;
    expect(wire.cancels).toBeGreaterThan(0);
    await page.waitForTimeout(1200);
    expect(wire.starts.length).toBe(startsAtOff); // nothing new after switching off
    const dark = await layerPixels(page, centres(64, 48));
    expect(dark.every((p) => p[3] === 0)).toBe(true);
    expect(await page.getByTestId('export-plane-measured-csv').isDisabled()).toBe(true);

    // on again, then a new width: the M = 30 jobs are cancelled and the layer starts over at M = 40
    await page.getByTestId('layer-toggle').check();
    await expect.poll(() => finished(page), { timeout: 20_000 }).toBeGreaterThanOrEqual(20);
    const cancelsBefore = wire.cancels;
    await page.getByTestId('input-width').fill('40');
    await page.getByTestId('input-width').press('Enter'); // number fields commit on Enter or blur
    await expect.poll(() => page.getByTestId('layer-progress').getAttribute('data-width')).toBe('40');
    await page.waitForTimeout(300);
    const lastOld = wire.starts.length;
    expect(wire.cancels).toBeGreaterThan(cancelsBefore);
    await expect.poll(() => finished(page), { timeout: 20_000 }).toBeGreaterThanOrEqual(48);
    expect(wire.starts.slice(lastOld).length).toBeGreaterThan(0);
    expect(wire.starts.slice(lastOld).every((st) => st.width === 40)).toBe(true);
    expect(wire.maxInFlight).toBeLessThanOrEqual(6);
    await page.getByTestId('layer-toggle').uncheck();
  });

  // last: it stops the host
  it('is switched off and disabled, with the reason, when the engine goes away', async () => {
    const { page } = await open();
    await setUp(page, 4, false);
    await expect.poll(() => finished(page), { timeout: 20_000 }).toBeGreaterThanOrEqual(10);
    await session.lab.host.stop();
    const toggle = page.getByTestId('layer-toggle');
    await expect.poll(() => toggle.isDisabled(), { timeout: 20_000 }).toBe(true);
    expect(await toggle.isChecked()).toBe(false);
    expect(await page.getByTestId('layer-progress').textContent()).toMatch(/^unavailable: engine offline/);
    expect(await toggle.locator('xpath=..').getAttribute('title')).toContain('unavailable');
    await page.waitForTimeout(200); // one repaint
    expect((await layerPixels(page, centres(16, 12))).every((p) => p[3] === 0)).toBe(true); // no stale cells
    session.forgive(/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/); // the dropped connection itself
  });
});
