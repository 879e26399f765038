// The "Kernel shaping" tab in web mode (real host, Debian's chromium): the DKS transform's four residuals, the global
// C map that stays near the identity after the transform (Martens et al. 2021 (DKS), Theorem 13: max|C_f − c| ≤
// 2(ζ − 1) when C(0) = 0), a bad ζ that keeps the last valid plot, and the CSV export. ψ is checked against ζ^(1/D)
// computed here, not against the tab's own code.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { downloadText, labPerFile, parseCsv, requireEngine } from './harness';

const session = labPerFile();

const attr = async (page: Page, testid: string, name: string) => page.getByTestId(testid).first().getAttribute(name);

async function settled(page: Page): Promise<void> {
  await expect.poll(() => attr(page, 'ks-status', 'data-busy'), { timeout: 60_000, interval: 100 }).toBe('false');
}

describe('kernel shaping tab', () => {
  it('solves the transform, keeps the global C map near the identity, survives ζ = 1 and exports CSV', async () => {
    const page = await session.open();
    await page.getByTestId('tab-kernel-shaping').click();
    expect(await attr(page, 'tab-kernel-shaping', 'aria-selected')).toBe('true');
    await expect.poll(() => page.getByTestId('ks-psi').count(), { timeout: 60_000 }).toBe(1);

    // ζ = 1.05, D = 100 (softplus): ψ = ζ^(1/D), four residuals ≤ 1e-9, global C map within 2(ζ − 1) of c
    await page.getByTestId('ks-input-zeta').fill('1.05');
    await settled(page);
    await expect
      .poll(async () => Number(await attr(page, 'ks-psi', 'data-value')), { timeout: 60_000 })
      .toBeCloseTo(1.05 ** (1 / 100), 12);
    for (const k of ['q1', 'qPrime1', 'c0', 'cPrime1'])
      expect(Math.abs(Number(await attr(page, `ks-residual-0-${k}`, 'data-value')))).toBeLessThanOrEqual(1e-9);
    const after = Number(await attr(page, 'ks-global', 'data-dev-after'));
    const before = Number(await attr(page, 'ks-global', 'data-dev-before'));
    expect(after).toBeLessThanOrEqual(2 * 0.05);
    expect(before).toBeGreaterThan(0.2); // the untransformed depth-100 softplus chain is degenerate
    expect(Number(await attr(page, 'ks-global-series-after', 'data-points'))).toBe(201);
    // the point: φ̂ at q* = 1 has χ₁ = ψ (just chaotic)
    expect(Number(await attr(page, 'ks-point', 'data-chi1-after'))).toBeCloseTo(1.05 ** (1 / 100), 8);
    await expect.poll(() => page.getByTestId('ks-error').count()).toBe(0);
    // the maps ran in the Web Worker (the CSP lets a same-origin module worker start)
    expect(await attr(page, 'ks-status', 'data-worker')).toBe('true');

    // ζ = 1: a clear error, and the plots keep the last valid result
    await page.getByTestId('ks-input-zeta').fill('1');
    await expect.poll(() => page.getByTestId('ks-error').count()).toBe(1);
    expect(await page.getByTestId('ks-error').textContent()).toMatch(/ζ must be a number > 1/);
    expect(Number(await attr(page, 'ks-psi', 'data-value'))).toBeCloseTo(1.05 ** (1 / 100), 12);
    expect(Number(await attr(page, 'ks-global', 'data-dev-after'))).toBe(after);
    expect(Number(await attr(page, 'ks-global-series-after', 'data-points'))).toBe(201);
    // no NaN in any drawn path
    const paths = await page
      .locator('[data-testid="kernel-shaping-panel"] path')
      .evaluateAll((els) => els.map((e) => e.getAttribute('d') ?? ''));
    expect(paths.length).toBeGreaterThan(5);
    expect(paths.some((d) => d.includes('NaN'))).toBe(false);

    // export the global C map as CSV: c, before, after at full precision
    const { name, body } = await downloadText(page, 'export-ks-global-csv');
    expect(name).toMatch(/^ntk-ks-global-softplus-z1\.05-D100\.csv$/);
    const rows = parseCsv(body);
    expect(rows[0]).toEqual(['c', 'Cf_before_D100', 'Cf_after_D100']);
    expect(rows).toHaveLength(202);
    let dev = 0;
    for (const r of rows.slice(1)) dev = Math.max(dev, Math.abs(Number(r[2]) - Number(r[0])));
    expect(dev).toBeCloseTo(after, 12);

    // a valid ζ again clears the error
    await page.getByTestId('ks-input-zeta').fill('1.5');
    await settled(page);
    await expect.poll(() => page.getByTestId('ks-error').count(), { timeout: 60_000 }).toBe(0);
    await expect
      .poll(async () => Number(await attr(page, 'ks-psi', 'data-value')), { timeout: 60_000 })
      .toBeCloseTo(1.5 ** (1 / 100), 12);
  });

  it('measures c_l of sampled networks with φ̂ against the maps, per width', async () => {
    const page = await session.open();
    await requireEngine(page);
    await page.getByTestId('measure-slices').uncheck();
    await page.getByTestId('tab-kernel-shaping').click();
    await expect.poll(() => page.getByTestId('ks-psi').count(), { timeout: 60_000 }).toBe(1);
    await page.getByTestId('ks-input-depth').fill('20');
    await settled(page);
    await page.getByTestId('ks-measure-widths').fill('16, 64');
    await page.getByTestId('ks-measure-samples').fill('40');
    await page.getByTestId('ks-measure-start').click();
    // layers 1, 10, 20 at two widths
    await expect.poll(() => attr(page, 'ks-measured', 'data-points'), { timeout: 60_000 }).toBe('6');
    const { body } = await downloadText(page, 'export-ks-measured-csv');
    const rows = parseCsv(body);
    expect(rows[0].slice(0, 5)).toEqual(['width', 'layer', 'c', 'c_se', 'c_predicted']);
    expect(rows).toHaveLength(7);
    for (const r of rows.slice(1)) {
      const [width, layer, c, se, predicted] = r.map(Number);
      // the C map's prediction within 4 SE + l/M (finite-width bias)
      expect(Math.abs(c - predicted)).toBeLessThanOrEqual(4 * se + layer / width);
    }
  });
});
