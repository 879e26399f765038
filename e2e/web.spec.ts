// The renderer in web mode: the real host (`src-main/web/serve.ts`) and Debian's chromium.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dispersionGrid, predictPoint } from '../src-shared/theory';
import {
  checkBadWidth,
  checkDrag,
  checkKeyboard,
  checkPlaneRenders,
  expectReadoutMatchesTheory,
  LAMBDA,
  readoutNumber,
  SIGMA,
} from './checks';
import {
  DEFAULT_SLICE_POINTS,
  download,
  labPerFile,
  parseCsv,
  testOutputDir,
  waitForMeasuredDefaults,
  type PageGlobals,
} from './harness';

const session = labPerFile();

const relClose = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b));

describe('web mode', () => {
  it('renders the plane and follows a mouse drag into the chaotic phase', async () => {
    const page = await session.open();
    await checkPlaneRenders(page);
    // defaults: the cursor sits on the edge of chaos at λ = 0.5, M = 200, α₀ = 1
    expect(await page.getByTestId('readout-phase').getAttribute('data-value')).toBe('edge-of-chaos');
    expect(await readoutNumber(page, 'depth')).toBe(100);
    await expectReadoutMatchesTheory(page);
    await checkDrag(page);
  });

  it('moves the cursor one cell per arrow key when the plane has focus', async () => {
    const page = await session.open();
    await checkKeyboard(page);
    expect(await page.getByTestId('readout-phase').getAttribute('data-value')).toBe('ordered'); // 2 + (7 − 10)·0.0175 < 2
  });

  it('takes a typed point and rejects bad input with inline alerts while keeping the last valid state', async () => {
    const page = await session.open();
    await page.getByTestId('input-sigmaW2').fill('2.5');
    await page.getByTestId('input-sigmaW2').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('input-lambda').fill('0.25');
    await page.getByTestId('input-lambda').press('Enter'); // number fields commit on Enter or blur
    await expect.poll(() => readoutNumber(page, 'sigmaW2')).toBe(2.5);
    expect(await readoutNumber(page, 'lambda')).toBe(0.25);
    expect(await readoutNumber(page, 'depth')).toBe(50);
    await expectReadoutMatchesTheory(page);

    for (const [id, text] of [
      ['input-sigmaW2', '0'],
      ['input-sigmaW2', '-1'],
      ['input-lambda', '-0.1'],
      ['input-alpha0', '0'],
      ['input-alpha0', 'NaN'],
    ] as const) {
      await page.getByTestId(id).fill(text);
      await expect.poll(() => page.getByTestId(`${id}-error`).isVisible()).toBe(true);
      expect(await page.getByTestId(`${id}-error`).getAttribute('role')).toBe('alert');
      await page.getByTestId(id).press('Escape'); // back to the committed value
    }
    expect(await readoutNumber(page, 'sigmaW2')).toBe(2.5);
    expect(await readoutNumber(page, 'lambda')).toBe(0.25);
    expect(await page.getByTestId('plane-params').getAttribute('data-alpha0')).toBe('1');
    await checkBadWidth(page);
  });

  it('exports the plane as standalone SVG, PNG, CSV and JSON, and the λ slice as CSV', async () => {
    const page = await session.open();
    const svg = await download(page, 'export-plane-svg');
    expect(svg.name).toBe('ntk-plane-M200-a1-finite.svg');
    const text = svg.body.toString('utf8');
    expect(text).not.toContain('token='); // the page URL (with its access token) must not leak into files
    // parsed as a viewer would, in a blank page: the lab's CSP would report the file's own <style> (its embedded
    // font) and style attributes, which are the file's, not the lab's
    const viewer = await page.context().newPage();
    const parsed = await viewer.evaluate((t) => {
      const g = globalThis as unknown as PageGlobals;
      const doc = new g.DOMParser().parseFromString(t, 'image/svg+xml');
      const image = doc.querySelector('image');
      return {
        root: doc.documentElement.nodeName,
        xmlns: doc.documentElement.getAttribute('xmlns'),
        error: doc.querySelector('parsererror') !== null,
        href: image?.getAttribute('href')?.slice(0, 22) ?? '',
        texts: Array.from(doc.querySelectorAll('text')).map((e) => e.textContent ?? ''),
        styled: doc.querySelector('text')?.getAttribute('font-family') ?? '',
      };
    }, text);
    await viewer.close();
    expect(parsed).toMatchObject({
      root: 'svg',
      xmlns: 'http://www.w3.org/2000/svg',
      error: false,
      href: 'data:image/png;base64,',
    });
    expect(parsed.texts).toEqual(expect.arrayContaining(['ordered', 'EOC', 'chaotic']));
    expect(parsed.styled).not.toBe(''); // fonts inlined as presentation attributes

    const png = await download(page, 'export-plane-png');
    expect(png.body.subarray(1, 4).toString('latin1')).toBe('PNG');
    const box = await page.getByTestId('plane').boundingBox();
    expect(png.body.readUInt32BE(16)).toBe(2 * Math.round(box!.width)); // IHDR width: 2 × device pixels (DPR 1)

    const csv = await download(page, 'export-plane-csv');
    expect(csv.name).toBe('ntk-plane-M200-a1-finite.csv');
    const rows = parseCsv(csv.body.toString('utf8'));
    expect(rows[0]).toEqual(['sigmaW2', 'depthToWidth', 'depth', 'dispersion']);
    expect(rows.length).toBe(1 + 200 * 150);
    const cells = rows.slice(1).map((r) => r.map(Number));
    const sig = cells.slice(0, 200).map((r) => r[0]);
    const lam = cells.filter((_, k) => k % 200 === 0).map((r) => r[1]);
    sig.forEach((s, i) => expect(s).toBeCloseTo(SIGMA.min + (i + 0.5) * 0.0175, 12));
    lam.forEach((l, j) => expect(l).toBeCloseTo(LAMBDA.min + (j + 0.5) * 0.01, 12));
    const expected = dispersionGrid({ sigmaW2: sig, depthToWidth: lam, width: 200, alpha0: 1, kind: 'finite' });
    cells.forEach((r, k) => {
      expect(r[2]).toBe(Math.max(1, Math.round(r[1] * 200)));
      if (!relClose(r[3], expected[k], 1e-12))
        throw new Error(`plane CSV row ${k + 1}: ${r[3]} ≠ theory ${expected[k]}`);
    });

    const json = JSON.parse((await download(page, 'export-plane-json')).body.toString('utf8'));
    expect(json).toMatchObject({
      app: 'NTK Phase Lab',
      plot: 'plane',
      theory: 'Seleznova & Kutyniok 2022, Thm 3.1/3.2 (proof-consistent eq. 13)',
      network: { width: 200, alpha0: 1, inputDim: 200 },
      kind: 'finite',
      cursor: { sigmaW2: 2, depthToWidth: 0.5, depth: 100 },
      ranges: { sigmaW2: { min: 0.5, max: 4, count: 200 }, depthToWidth: { min: 0, max: 1.5, count: 150 } },
    });
    expect(typeof json.version).toBe('string');

    const slice = parseCsv((await download(page, 'export-slice-lambda-csv')).body.toString('utf8'));
    expect(slice[0].slice(0, 4)).toEqual(['depthToWidth', 'depth', 'dispersion_finite', 'dispersion_limit']);
    expect(slice.length).toBe(1 + 301);
    const xs = slice.slice(1).map((r) => Number(r[0]));
    expect(xs[0]).toBe(0);
    expect(xs[300]).toBe(1.5);
    const finite = dispersionGrid({ sigmaW2: [2], depthToWidth: xs, width: 200, alpha0: 1, kind: 'finite' });
    const limit = dispersionGrid({ sigmaW2: [2], depthToWidth: xs, width: 200, alpha0: 1, kind: 'limit' });
    slice.slice(1).forEach((r, k) => {
      expect(Number(r[1])).toBe(Math.max(1, Math.round(xs[k] * 200)));
      expect(relClose(Number(r[2]), finite[k], 1e-12)).toBe(true);
      expect(relClose(Number(r[3]), limit[k], 1e-12)).toBe(true);
    });
    // the slice passes through the cursor's readout: λ = 0.5 is plotted row 100
    expect(Number(slice[101][2])).toBeCloseTo(await readoutNumber(page, 'dispersion-finite'), 12);

    const sigmaSvg = await download(page, 'export-slice-sigma-svg');
    expect(sigmaSvg.name).toBe('ntk-slice-sigma-M200-a1-lambda0.5.svg');
    expect(sigmaSvg.body.toString('utf8')).toMatch(/^<\?xml[^>]*>\s*<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });

  it('switches the plane between finite width (Thm 3.2) and the limit (Thm 3.1)', async () => {
    const page = await session.open();
    await page.getByTestId('kind-limit').check({ force: true });
    await expect.poll(() => page.getByTestId('plane-params').getAttribute('data-kind')).toBe('limit');
    await checkPlaneRenders(page);
    const rows = parseCsv((await download(page, 'export-plane-csv')).body.toString('utf8')).slice(1);
    // ordered phase (σ_w² < 2): the limit is exactly 1 (Seleznova & Kutyniok 2022, eq. 10)
    expect(Number(rows[0][3])).toBe(1);
    const far = rows[rows.length - 1].map(Number); // σ_w² ≈ 3.99, λ ≈ 1.495: chaotic limit eq. (8)
    const l = far[1];
    expect(far[3]).toBeCloseTo((Math.exp(5 * l) / (2 * l)) * (1 - (1 - Math.exp(-4 * l)) / (4 * l)), 9);
  });
});

describe('web mode with the engine', () => {
  it('shows measured dispersion and E[Θ] with ± and N next to the prediction', async () => {
    const page = await session.open();
    if ((await page.getByTestId('status-connection').getAttribute('data-state')) !== 'connected') {
      throw new Error(`engine not connected: ${await page.getByTestId('status').textContent()}`);
    }
    expect(await page.getByTestId('status-transport').textContent()).toContain('WebSocket');
    expect(await page.getByTestId('status-backend').textContent()).toMatch(/engine backend: \S/);
    // the TensorFlow.js backend is detected after connecting; here (no native packages) it lands on wasm, with
    // the native and webgpu fallbacks and their reasons on hover
    const tf = page.getByTestId('status-tf');
    await tf.and(page.locator('[data-backend="wasm"]')).waitFor({ timeout: 30_000 });
    expect(await tf.textContent()).toMatch(/tfjs: wasm · CPU \(WebAssembly.*after 3 fallbacks/);
    expect(await tf.getAttribute('title')).toMatch(/tensorflow-gpu: .*CUDA 11\.2/);
    // a small ordered-phase network: light tails, so the estimate must agree with Thm 3.2 closely
    await page.getByTestId('input-width').fill('50');
    await page.getByTestId('input-width').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('input-sigmaW2').fill('1.5');
    await page.getByTestId('input-sigmaW2').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('input-lambda').fill('0.5');
    await page.getByTestId('input-lambda').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('input-samples').fill('4000');
    await page.getByTestId('input-samples').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('input-seed').fill('7');
    await page.getByTestId('input-seed').press('Enter'); // number fields commit on Enter or blur
    const samples = page.getByTestId('readout-measured-samples');
    await expect.poll(() => samples.getAttribute('data-requested'), { timeout: 30_000 }).toBe('4000');
    await expect.poll(() => samples.getAttribute('data-value'), { timeout: 60_000 }).toBe('4000');
    expect(await samples.textContent()).toContain('N = 4,000 / 4,000');
    expect(await page.getByTestId('readout-measured-method').textContent()).toContain('exact');
    const disp = page.getByTestId('readout-measured-dispersion');
    expect(await disp.textContent()).toContain('±');
    expect(await page.getByTestId('readout-measured-meanTheta').textContent()).toContain('±');

    const p = predictPoint({ sigmaW2: 1.5, depth: 25, width: 50, inputDim: 50 });
    const est = Number(await disp.getAttribute('data-value'));
    const se = Number(await disp.getAttribute('data-stderr'));
    expect(se).toBeGreaterThan(0);
    // Thm 3.2 drops O(M^{-3/2}) terms (THEORY.md): allow 5 SE plus 2% model error at M = 50
    expect(Math.abs(est - p.dispersion.finite)).toBeLessThan(5 * se + 0.02 * p.dispersion.finite);
    // E[Θ] (eqs. 11–12) is exact at any width: only sampling error
    const meanEl = page.getByTestId('readout-measured-meanTheta');
    const mean = Number(await meanEl.getAttribute('data-value'));
    const meanSe = Number(await meanEl.getAttribute('data-stderr'));
    expect(Math.abs(mean - p.meanTheta)).toBeLessThan(5 * meanSe);

    // the slices get measured points with error bars
    await expect
      .poll(() => page.locator('[data-testid="slice-lambda"] .mark').count(), { timeout: 60_000 })
      .toBeGreaterThanOrEqual(10);
    const csv = parseCsv((await download(page, 'export-slice-lambda-csv')).body.toString('utf8'));
    expect(csv[0]).toEqual(expect.arrayContaining(['measured_dispersion', 'measured_stderr', 'measured_samples']));
  });

  it('measures the default view completely and renders the whole window at 1400 × 900', async () => {
    const page = await session.open();
    // defaults (M = 200, α₀ = 1, EOC at λ = 0.5, N = 10⁴) with measured slices, as a researcher first sees it
    // (`npm run screenshot` saves this same state as the README's docs/screenshot.png)
    await waitForMeasuredDefaults(page);
    expect(await page.getByTestId('readout-measured-samples').getAttribute('data-value')).toBe('10000');
    expect(await page.locator('.mark.done').count()).toBeGreaterThanOrEqual(DEFAULT_SLICE_POINTS);
    const shot = await page.screenshot({ path: join(testOutputDir(), 'web-default-view.png') });
    expect(shot.readUInt32BE(16)).toBe(1400);
    expect(shot.readUInt32BE(20)).toBe(900);
  });
});
