// The "Freeze & chaos" tab in web mode: real host, Debian's chromium, the theory in the tab's Web Worker. Values are
// checked against the freeze-chaos module run here in Node, not against the tab's own code.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  checkerboardProfile,
  dcnnGrid,
  dcnnLayerSizes,
  freezeChaosModel,
  stationaryInputGram,
  topEigenpairs,
} from '../src-shared/theory/freeze-chaos/index';
import { latentCosines } from '../src-renderer/lib/freeze-chaos-fig2';
import { downloadText, labPerFile, parseCsv, requireEngine } from './harness';

const session = labPerFile();

const attr = async (page: Page, testid: string, name: string) => page.getByTestId(testid).first().getAttribute(name);

async function openTab(): Promise<Page> {
  const page = await session.open();
  await page.getByTestId('measure-slices').uncheck();
  await page.getByTestId('tab-freeze-chaos').click();
  await expect.poll(() => page.getByTestId('fc-panel').isVisible()).toBe(true);
  await expect.poll(() => page.getByTestId('fc-phase').count(), { timeout: 30_000 }).toBe(1);
  return page;
}

async function setBeta(page: Page, beta: number): Promise<void> {
  await page.getByTestId('fc-beta').fill(String(beta));
  await page.getByTestId('fc-beta').press('Enter'); // number fields commit on Enter or blur
  await expect
    .poll(async () => Number(await attr(page, 'fc-r', 'data-r')), { timeout: 30_000 })
    .toBeCloseTo(freezeChaosModel({ activation: 'tanh', beta, nonlinearity: 'standardized' }).r, 10);
}

describe('freeze & chaos tab', () => {
  it('moves the phase badge across β*, draws the plots and exports them as CSV', async () => {
    const page = await openTab();
    await page.getByTestId('fc-activation').selectOption('tanh');
    const model = freezeChaosModel({ activation: 'tanh', beta: 0.5, nonlinearity: 'standardized' });
    const betaStar = model.betaStar as number;
    expect(betaStar).toBeGreaterThan(0.1);
    await setBeta(page, Math.max(0, betaStar - 0.1));
    expect(await attr(page, 'fc-phase', 'data-phase')).toBe('chaos');
    await setBeta(page, Math.min(1, betaStar + 0.1));
    expect(await attr(page, 'fc-phase', 'data-phase')).toBe('freeze');
    expect(Number(await page.getByTestId('fc-betastar').textContent())).toBeCloseTo(betaStar, 4);

    // the plane (with the β* line), the circle, the depth plot and the DC-NN plots are drawn
    expect(await page.locator('[data-testid="fc-plane-cells"] rect').count()).toBeGreaterThan(100);
    expect(await page.getByTestId('fc-plane-betastar').count()).toBe(1);
    expect(await page.getByTestId('fc-circle-series-theory').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('fc-depth-series-theory').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('fc-depth-series-upper').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="fc-checker"] circle.dot').count()).toBeGreaterThan(3);

    // CSV exports hold the plotted data: ϑ(x, x) = 1 at γ = 0 on the circle
    const circle = parseCsv((await downloadText(page, 'export-fc-circle-csv')).body);
    expect(circle[0].slice(0, 3)).toEqual(['gamma', 'cos', 'vartheta']);
    const mid = circle[(circle.length - 1) / 2 + 0.5];
    expect(Number(mid[0])).toBeCloseTo(0, 12);
    expect(Number(mid[2])).toBeCloseTo(1, 12);
    const depth = parseCsv((await downloadText(page, 'export-fc-depth-csv')).body);
    expect(depth[0][0]).toBe('depth');
    expect(depth.length).toBeGreaterThan(10);
    for (const id of ['fc-plane', 'fc-checker', 'fc-border'])
      expect(parseCsv((await downloadText(page, `export-${id}-csv`)).body).length).toBeGreaterThan(2);
  });

  it('a measurement through the lab puts points with error bars on the ϑ-vs-depth plot, near the theory', async () => {
    const page = await openTab();
    await requireEngine(page);
    await page.getByTestId('fc-m-width').fill('48');
    await page.getByTestId('fc-m-width').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('fc-m-samples').fill('300');
    await page.getByTestId('fc-m-samples').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('fc-m-bn').check();
    await page.getByTestId('fc-m-run').click();
    await expect.poll(() => attr(page, 'fc-m-status', 'data-status'), { timeout: 60_000, interval: 250 }).toBe('done');
    expect(await page.getByTestId('fc-depth-measured').count()).toBeGreaterThan(2);
    expect(await page.getByTestId('fc-depth-errorbar').count()).toBe(
      await page.getByTestId('fc-depth-measured').count(),
    );
    // Θ(x,x) ± SE at the cursor's L sits on the circle plot at γ = 0
    expect(await page.getByTestId('fc-circle-measured').count()).toBe(1);
    expect(await page.getByTestId('fc-circle-errorbar').count()).toBe(1);
    // the exported CSV holds the measured points: ϑ within 5 SE + L/M of the recursion (finite-width bias O(L/M))
    const csv = parseCsv((await downloadText(page, 'export-fc-depth-csv')).body);
    const col = (name: string) => csv[0].indexOf(name);
    const rows = csv.slice(1).filter((r) => r[col('measuredVartheta')] !== '');
    expect(rows.length).toBeGreaterThan(2);
    for (const r of rows) {
      const depth = Number(r[col('depth')]);
      const gap = Math.abs(Number(r[col('measuredVartheta')]) - Number(r[col('vartheta')]));
      expect(gap).toBeLessThan(5 * Number(r[col('measuredVarthetaSE')]) + depth / 48);
      expect(r[col('measuredWidth')]).toBe('48');
    }
    // Lemma 1 with the factor N, at this width: row sums Nβ² to rounding
    expect(Number(await attr(page, 'fc-bn-result', 'data-row-error'))).toBeLessThan(1e-9);
  });

  it('layer learning rates (App. F.1): the checkerboard export matches the Node recursion and carries Prop. 7', async () => {
    const page = await openTab();
    const before = parseCsv((await downloadText(page, 'export-fc-checker-csv')).body);
    await page.getByTestId('fc-dc-lr').selectOption('appF.1');
    // the tab's defaults: standardized ReLU, β = 0.5; DC-NN s = 2, w = 2, L = 3, |I₀| = 4, borders, parent-based
    const model = freezeChaosModel({ activation: 'relu', beta: 0.5, nonlinearity: 'standardized' });
    const spec = { stride: 2, window: 2, depth: 3, inputPositions: 4, parametrization: 'parent' as const };
    const m = dcnnLayerSizes(spec)[3];
    const maxOffset = Math.min(Math.floor(m / 2), m - 1 - Math.floor(m / 2), 40);
    const gram = stationaryInputGram(4, 1, 0);
    const want = checkerboardProfile(model, { ...spec, lrScaling: 'appF.1' }, gram, maxOffset);
    let csv: string[][] = [];
    await expect
      .poll(async () => {
        csv = parseCsv((await downloadText(page, 'export-fc-checker-csv')).body);
        return csv[1]?.[4] ?? '';
      })
      .not.toBe('');
    expect(csv[0]).toEqual(['offset', 'vartheta', 'valuation', 'thm4Upper', 'prop7Upper', 'direction']);
    expect(csv.length - 1).toBe(want.offsets.length);
    want.offsets.forEach((d, i) => {
      expect(Number(csv[i + 1][0])).toBe(d);
      expect(Number(csv[i + 1][1])).toBeCloseTo(want.vartheta[i], 10);
      expect(Number(csv[i + 1][4])).toBeCloseTo(want.upperBound![i], 10);
    });
    // the rates lower the checkerboard correlations off the diagonal (Sec. 6.1: "removes checkerboard artifacts")
    const plain = checkerboardProfile(model, spec, gram, maxOffset);
    expect(plain.vartheta.some((v, i) => Math.abs(v - want.vartheta[i]) > 1e-3)).toBe(true);
    expect(before[1][4]).toBe('');
    // the plot names the bound it draws and the √S·r it depends on
    const text = (await page.getByTestId('fc-checker').textContent()) ?? '';
    expect(text).toContain('Prop. 7 bound');
    expect(text).toContain(`√S·r = ${Number((Math.SQRT2 * model.r).toPrecision(5))}`);
    expect(await page.locator('[data-testid="fc-checker"] line.mark').count()).toBe(want.offsets.length);
  });

  it('Fig. 2 preset: the Gram eigenvector images are computed, drawn and exported; λ₁ matches the Node recursion', async () => {
    const page = await openTab();
    await page.getByTestId('fc-eig-fig2').click();
    await expect.poll(() => attr(page, 'fc-eigen', 'data-status'), { timeout: 180_000, interval: 500 }).toBe('done');
    const rows = parseCsv((await downloadText(page, 'export-fc-eigen-csv')).body);
    expect(rows[0]).toEqual(['mode', 'column', 'k', 'eigenvalue', 'input', 'row', 'col', 'value']);
    expect(rows.length - 1).toBe(4 * 8 * 4 * 22 * 22); // (2 modes × 2 columns) × 8 vectors × 4 inputs × 22² pixels
    // the top eigenvalue of normalized ReLU with Sec. 6's modifications, recomputed here
    const model = freezeChaosModel({ activation: 'relu', beta: 0.1, nonlinearity: 'normalized' });
    const spec = { stride: [2, 2], window: [2, 2], inputShape: [1, 1], depth: 3 } as const;
    const grid = dcnnGrid(model, { ...spec, parametrization: 'parent', lrScaling: 'sec6.1' }, 4, latentCosines(1));
    const top = topEigenpairs(grid.theta, 4 * 22 * 22, 1);
    const row = rows.find((r) => r[0] === 'normalized' && r[1] === 'modified' && r[2] === '1');
    expect(Number(row?.[3])).toBeCloseTo(top.values[0], 8);
    const json = JSON.parse((await downloadText(page, 'export-fc-eigen-json')).body) as { geometry: string };
    expect(json.geometry).toContain('Not in the paper');
  });

  it('2-D deconvolution: axis and diagonal checkerboards and the middle-row borders match the Node 2-D recursion', async () => {
    const page = await openTab();
    await page.getByTestId('fc-dc-dims').selectOption('2');
    for (const [id, v] of [
      ['#fc-dc-depth', '2'],
      ['#fc-positions', '2'],
    ]) {
      await page.locator(id).fill(v);
      await page.locator(id).press('Enter'); // number fields commit on Enter or blur
    }
    // standardized ReLU, β = 0.5 (the tab's defaults); s = 2, w = 2; 2 × 2 input pixels → 14 × 14 output
    const model = freezeChaosModel({ activation: 'relu', beta: 0.5, nonlinearity: 'standardized' });
    const spec = { stride: [2, 2], window: [2, 2], inputShape: [2, 2], depth: 2, parametrization: 'parent' } as const;
    const theta = dcnnGrid(model, spec, 1, stationaryInputGram(4, 1, 0)).theta;
    const side = 14;
    const m = side * side;
    const c = 7;
    const p = c * side + c;
    const vt = (p2: number) => theta[p * m + p2] / Math.sqrt(theta[p * m + p] * theta[p2 * m + p2]);
    let csv: string[][] = [];
    await expect
      .poll(async () => {
        csv = parseCsv((await downloadText(page, 'export-fc-checker-csv')).body);
        return csv.filter((r) => r[5] === 'diagonal').length;
      })
      .toBe(2 * 6 + 1); // offsets −6 … 6 around the middle pixel 7 of 14
    for (const r of csv.slice(1)) {
      const d = Number(r[0]);
      const p2 = r[5] === 'diagonal' ? (c + d) * side + c + d : (c + d) * side + c;
      expect(Number(r[1])).toBeCloseTo(vt(p2), 10);
      expect(Number(r[1])).toBeLessThanOrEqual(Number(r[3]) + 1e-12); // Thm 4 (freeze)
    }
    const border = parseCsv((await downloadText(page, 'export-fc-border-csv')).body);
    expect(border.length - 1).toBe(side);
    for (const r of border.slice(1)) expect(Number(r[2])).toBeCloseTo(theta[p * m + p], 10); // Prop. 2: flat
    expect((await page.getByTestId('fc-checker').textContent()) ?? '').toContain('2-D, s = 2');
  });
});
