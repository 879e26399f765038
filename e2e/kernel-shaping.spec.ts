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
    // the NTK of the depth-20 chain with φ̂: dispersion → 1 and E[Θ] → Σ_{j ≤ D} ψ^j, within 4 SE + a finite-width
    // allowance: e^{5D/M} − 1 for the dispersion (the ReLU rate of Hanin & Nica 2019 as an envelope: φ̂'s is
    // ~2.5), 2D/M for the mean
    await expect.poll(() => attr(page, 'ks-ntk', 'data-widths'), { timeout: 60_000 }).toBe('2');
    const zeta = Number(await page.getByTestId('ks-input-zeta').inputValue());
    const psi = zeta ** (1 / 20);
    const ntk = parseCsv((await downloadText(page, 'export-ks-ntk-csv')).body);
    expect(ntk[0]).toEqual([
      'width',
      'depth',
      'dispersion',
      'dispersion_se',
      'dispersion_predicted',
      'theta',
      'theta_se',
      'theta_predicted',
      'samples',
    ]);
    for (const r of ntk.slice(1)) {
      const [width, depth, disp, dispSe, dispPred, theta, thetaSe, thetaPred] = r.map(Number);
      expect(depth).toBe(20);
      expect(dispPred).toBe(1);
      expect(thetaPred).toBeCloseTo((psi ** 21 - 1) / (psi - 1), 8);
      expect(Math.abs(disp - 1)).toBeLessThanOrEqual(4 * dispSe + Math.expm1((5 * depth) / width));
      expect(Math.abs(theta / thetaPred - 1)).toBeLessThanOrEqual((4 * thetaSe) / thetaPred + (2 * depth) / width);
    }
  });

  it('marks φ and φ̂ on the Explore and Trainability planes where χ₁ puts them, and the marks move with ζ', async () => {
    const page = await session.open();
    await page.getByTestId('tab-kernel-shaping').click();
    await expect.poll(() => page.getByTestId('ks-psi').count(), { timeout: 60_000 }).toBe(1);
    await page.getByTestId('ks-input-depth').fill('20');
    await page.getByTestId('ks-input-zeta').fill('10');
    await settled(page);
    await expect
      .poll(async () => Number(await attr(page, 'ks-psi', 'data-value')), { timeout: 60_000 })
      .toBeCloseTo(10 ** (1 / 20), 12);

    // Explore: φ = ReLU, σ_b² = 0 (the defaults), where χ₁ = σ_w²/2: φ̂ (χ₁ = ψ) stands at σ_w² = 2ψ, λ = D/M
    await page.getByTestId('tab-explore').click();
    const psi = 10 ** (1 / 20);
    await expect
      .poll(async () => Number(await attr(page, 'plane-shaping-after', 'data-sigma-w2')), { timeout: 60_000 })
      .toBeCloseTo(2 * psi, 6);
    const width = Number(await attr(page, 'plane-params', 'data-width'));
    expect(Number(await attr(page, 'plane-shaping-after', 'data-y'))).toBeCloseTo(20 / width, 12);
    // on the drawn axes: the pixel the axis ticks give for (2ψ, D/M)
    // the first two axis groups of the plane are x then y (the colour bar's comes after them)
    const ticksOf = (k: number) =>
      page
        .getByTestId('plane')
        .locator('g.axis')
        .nth(k)
        .locator('g.tick')
        .evaluateAll((els) =>
          els.map((e) => {
            const m = /translate\(([-\d.e]+),\s*([-\d.e]+)\)/.exec(e.getAttribute('transform') ?? '');
            return { x: Number(m?.[1]), y: Number(m?.[2]), v: Number(e.textContent?.replace('−', '-')) };
          }),
        );
    // the pixel of a value from the first and last tick of an axis (linear axes)
    const fit = (pts: { p: number; v: number }[]) => {
      const [a, b] = [pts[0], pts[pts.length - 1]];
      return (v: number) => a.p + ((b.p - a.p) * (v - a.v)) / (b.v - a.v);
    };
    const xAt = fit((await ticksOf(0)).map((t) => ({ p: t.x, v: t.v })));
    const yAt = fit((await ticksOf(1)).map((t) => ({ p: t.y, v: t.v })));
    // within a pixel: d3 shifts its ticks by half a pixel for crisp lines
    expect(Math.abs(Number(await attr(page, 'plane-shaping-after', 'cx')) - xAt(2 * psi))).toBeLessThanOrEqual(1);
    expect(Math.abs(Number(await attr(page, 'plane-shaping-after', 'cy')) - yAt(20 / width))).toBeLessThanOrEqual(1);
    // φ = softplus itself at (σ_w², σ_b²) = (1, 0) is ordered: its mark lies left of the edge of chaos σ_w² = 2
    expect(Number(await attr(page, 'plane-shaping-before', 'data-sigma-w2'))).toBeLessThan(2);
    expect(Number(await attr(page, 'plane-shaping-before', 'data-chi1'))).toBeLessThan(1);

    // Trainability (its φ and σ_b², here ReLU and 0): the same σ_w², at depth D, right of its critical line
    await page.getByTestId('tab-trainability').click();
    await expect
      .poll(async () => Number(await attr(page, 'tplane-shaping-after', 'data-sigma-w2')), { timeout: 60_000 })
      .toBeCloseTo(2 * psi, 6);
    expect(Number(await attr(page, 'tplane-shaping-after', 'data-y'))).toBe(20);
    expect(Number(await attr(page, 'tplane-shaping-after', 'cx'))).toBeGreaterThan(
      Number(await attr(page, 'tplane-critical', 'x1')),
    );

    // ζ = 1.5: ψ moves toward 1 and the mark toward the critical line
    await page.getByTestId('tab-kernel-shaping').click();
    await page.getByTestId('ks-input-zeta').fill('1.5');
    await settled(page);
    await page.getByTestId('tab-trainability').click();
    await expect
      .poll(async () => Number(await attr(page, 'tplane-shaping-after', 'data-sigma-w2')), { timeout: 60_000 })
      .toBeCloseTo(2 * 1.5 ** (1 / 20), 6);

    // the toggle hides the marks on both planes
    await page.getByTestId('tab-kernel-shaping').click();
    await page.getByTestId('ks-on-planes').uncheck();
    await page.getByTestId('tab-trainability').click();
    await expect.poll(() => attr(page, 'tplane-shaping', 'data-count')).toBe('0');
    await page.getByTestId('tab-explore').click();
    await expect.poll(() => attr(page, 'plane-shaping', 'data-count')).toBe('0');
  });

  it('runs the training comparison with Layer Norm in the tab', async () => {
    const page = await session.open();
    await requireEngine(page);
    await page.getByTestId('tab-kernel-shaping').click();
    await expect.poll(() => page.getByTestId('ks-psi').count(), { timeout: 60_000 }).toBe(1);
    await expect(page.getByTestId('kernel-shaping-panel').textContent()).resolves.toMatch(
      /ImageNet \/ K-FAC (training )?results are cited, not re-run/,
    );
    await page.getByTestId('ks-train-depth').fill('4');
    await page.getByTestId('ks-train-width').fill('8');
    await page.getByTestId('ks-train-steps').fill('2');
    await page.getByTestId('ks-train-start').click();
    // done, or an error (shown with its message rather than waiting out the timeout)
    const outcome = async () =>
      (await page.getByTestId('ks-train-error').count()) > 0
        ? `error: ${await page.getByTestId('ks-train-error').textContent()}`
        : await page.getByTestId('ks-train-status').textContent();
    await expect.poll(outcome, { timeout: 400_000, interval: 500 }).toMatch(/^(done|error: .*)$/);
    expect(await outcome()).toBe('done');
    const labels = await page.getByTestId('ks-train-config').allTextContents();
    // softplus has no critical line at σ_b² = 0.05: no EOC configuration, and the card says why
    expect(await page.getByTestId('ks-train-no-eoc').textContent()).toMatch(/No EOC softplus/);
    // and no DKS transform for ζ = 10 at D = 4 (ψ = 10^(1/4)): left out with the solver's reason
    expect(await page.getByTestId('ks-train-no-zeta').textContent()).toMatch(/ζ = 10 at D = 4: .*best residual/);
    expect(labels.map((t) => t.replace(/:.*$/s, '').trim())).toEqual([
      '[0] SELU',
      '[1] Layer Norm softplus',
      '[2] DKS softplus ζ = 1.1',
      '[3] DKS softplus ζ = 1.5',
    ]);
    // four configurations, records at steps 0, 1, 2 each (recordEvery = max(1, round(2/8)) = 1)
    expect(await attr(page, 'ks-train', 'data-records')).toBe('12');
    // a bad size names its field and starts nothing
    await page.getByTestId('ks-train-depth').fill('0');
    await page.getByTestId('ks-train-start').click();
    await expect.poll(() => page.getByTestId('ks-train-error').textContent()).toMatch(/depth D must be an integer/);
  }, 420_000);
});
