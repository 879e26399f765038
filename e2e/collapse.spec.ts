// The "Neural collapse" tab in web mode: the simulator runs in a Web Worker under the lab's CSP (the harness fails a
// test on any CSP refusal or console error), the aligned default collapses with the invariant conserved, an invalid
// κ_c is refused without touching the last result, and the plots export. The generalization section is checked
// against the recursion run here in Node.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ntkGeneralization } from '../src-shared/theory/ntk-generalization';
import { download, downloadText, labPerFile, parseCsv } from './harness';

const session = labPerFile();

const attr = async (page: Page, testid: string, name: string) => page.getByTestId(testid).first().getAttribute(name);
const value = async (page: Page, key: string) => Number(await attr(page, `collapse-readout-${key}`, 'data-value'));

async function openTab(): Promise<Page> {
  const page = await session.open();
  await page.getByTestId('measure-slices').uncheck(); // the Explore tab's measurements are not needed here
  await page.getByTestId('tab-collapse').click();
  await expect.poll(() => page.getByTestId('collapse-panel').isVisible()).toBe(true);
  return page;
}

async function runDone(page: Page): Promise<void> {
  await expect.poll(() => attr(page, 'collapse-status', 'data-state'), { timeout: 90_000, interval: 250 }).toBe('done');
}

describe('neural collapse tab', () => {
  it('runs the aligned default in a worker: NC2 → 0, the invariant conserved; a bad κ_c keeps the result', async () => {
    const page = await openTab();
    expect(await attr(page, 'tab-collapse', 'aria-selected')).toBe('true');
    expect(await page.getByTestId('collapse-init-aligned').isChecked()).toBe(true);
    await runDone(page); // the first visit runs the default once
    // every state the status passes through, recorded in the page: a short run may be done before a poll sees it run
    await page.evaluate(() => {
      type Doc = { querySelector(s: string): { getAttribute(a: string): string | null } | null };
      type Observer = new (f: () => void) => { observe(n: unknown, o: object): void };
      const w = globalThis as unknown as { document: Doc; MutationObserver: Observer; __states: string[] };
      const status = w.document.querySelector('[data-testid="collapse-status"]');
      w.__states = [];
      new w.MutationObserver(() => w.__states.push(status?.getAttribute('data-state') ?? '')).observe(status, {
        attributes: true,
        attributeFilter: ['data-state'],
      });
    });
    await page.getByTestId('collapse-run').click();
    await runDone(page);
    const states = (await page.evaluate('globalThis.__states')) as string[];
    expect(states).toContain('running');
    expect(states.lastIndexOf('running')).toBeLessThan(states.lastIndexOf('done'));
    // Theorem 5.2: E = 0 and ⟨h⟩ = 0 ⇒ the class means form a simplex ETF; Rodas5P at 1e-10 conserves E (eq. 26)
    expect(await value(page, 'nc2')).toBeLessThan(1e-6);
    expect(await value(page, 'drift')).toBeLessThan(1e-8);
    expect(await value(page, 'e0')).toBeLessThan(1e-12);
    expect(await value(page, 'steps')).toBeGreaterThan(0);
    // μ_single = 0.4, μ_class = 3.4, μ_global = 5.8 and α = 0.1034… for C = 4, m = 6, κ = (1, 0.6, 0.1) (Table 1)
    expect(await value(page, 'mu-single')).toBeCloseTo(0.4, 12);
    expect(await value(page, 'mu-class')).toBeCloseTo(3.4, 12);
    expect(await value(page, 'mu-global')).toBeCloseTo(5.8, 12);
    expect(await value(page, 'alpha')).toBeCloseTo(0.6 / 5.8, 12);
    expect(Number(await attr(page, 'collapse-metrics', 'data-points'))).toBeGreaterThan(300);
    expect(await page.getByTestId('collapse-residual-series').count()).toBe(3);
    expect(await page.getByTestId('collapse-theorem-note').textContent()).toMatch(/Theorem 5\.2 applies/);

    const nc2 = await value(page, 'nc2');
    await page.getByTestId('collapse-kappaC').fill('0.05');
    await expect
      .poll(() => page.getByTestId('collapse-kappaC-error').textContent())
      .toMatch(/κ_c \(0\.05\) must be ≥ κ_n \(0\.1\)/);
    expect(await page.getByTestId('collapse-stale').count()).toBe(0); // the state never took the invalid value
    await page.getByTestId('collapse-run').click();
    await runDone(page);
    expect(await value(page, 'nc2')).toBe(nc2); // same parameters, same seed: the same run
    expect(await page.getByTestId('collapse-error').count()).toBe(0);

    const csv = await downloadText(page, 'export-collapse-metrics-csv');
    expect(csv.name).toBe('ntk-collapse-metrics-aligned-C4-m6-n8-k1-0.6-0.1-s1.csv');
    const rows = parseCsv(csv.body);
    expect(rows[0]).toEqual(['t', 'invariantDrift', 'nc1', 'nc2', 'nc3', 'h2Norm']);
    expect(rows.length).toBe(101);
    expect(Number(rows[100][0])).toBe(400);
    expect(Number(rows[100][3])).toBe(nc2);
    const svg = await downloadText(page, 'export-collapse-residual-svg');
    expect(svg.body).toMatch(/^<\?xml/);
    const png = await download(page, 'export-collapse-residual-png');
    expect(png.body.subarray(1, 4).toString('latin1')).toBe('PNG');
    const json = JSON.parse((await downloadText(page, 'export-collapse-metrics-json')).body);
    expect(json.params).toMatchObject({ classes: 4, perClass: 6, features: 8, kappaC: 0.6, init: 'aligned' });
  });

  it('the generalization section follows the recursion, the shared σ_b² and the phase presets', async () => {
    const page = await openTab();
    // ReLU with σ_b² = 0 is positively homogeneous (κ₁/κ₂ does not depend on σ_w²): take σ_b² = 0.1 from the
    // Trainability tab, whose φ and σ_b² the section shares
    await page.getByTestId('tab-trainability').click();
    await page.getByTestId('tr-sigmaB2').fill('0.1');
    await page.getByTestId('tr-sigmaB2').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('tab-collapse').click();
    await expect.poll(() => page.getByTestId('gen-shared').textContent()).toMatch(/φ = relu, σb2 = 0\.1/);
    await page.getByTestId('gen-preset-edge').click(); // χ₁ = σ_w²/2 = 1 for every σ_b²
    await page.getByTestId('gen-depth').fill('20');
    await page.getByTestId('gen-depth').press('Enter'); // number fields commit on Enter or blur
    const at = (sigmaW2: number) =>
      ntkGeneralization({
        activation: 'relu',
        sigmaW2,
        sigmaB2: 0.1,
        depth: 20,
        inputCovariance: 0.5,
        samples: 100,
      }).at(-1)!;
    const edge = at(2);
    const ratio = async () => Number(await attr(page, 'gen-ratio', 'data-value'));
    await expect.poll(ratio, { timeout: 30_000 }).toBeCloseTo(edge.ratio, 12);
    expect(Number(await attr(page, 'gen-variance', 'data-value'))).toBeCloseTo(edge.variance, 12);
    expect(await page.getByTestId('gen-kappa2-series').count()).toBe(7);
    const rows = parseCsv((await downloadText(page, 'export-ntk-condition-csv')).body);
    expect(rows[0]).toEqual(['depth', 'conditionNumber', 'kappa1', 'kappa2', 'ratio']);
    expect(rows.length).toBe(20);
    expect(Number(rows[19][1])).toBeCloseTo(edge.conditionNumber, 9);
    // Fig. 6: κ₁/κ₂ → 1 in the ordered phase (ill-conditioned), larger in the chaotic one
    await page.getByTestId('gen-preset-ordered').click();
    await expect.poll(ratio, { timeout: 30_000 }).toBeCloseTo(at(1.5).ratio, 12);
    await page.getByTestId('gen-preset-chaotic').click();
    await expect.poll(ratio, { timeout: 30_000 }).toBeCloseTo(at(3).ratio, 12);
    expect(at(1.5).ratio).toBeLessThan(edge.ratio);
    expect(at(3).ratio).toBeGreaterThan(edge.ratio);
  });
  it('small real network: a tiny collapse-train run streams records and draws both plots vs epoch', async () => {
    const page = await openTab();
    const section = page.getByTestId('collapse-train');
    await section.scrollIntoViewIfNeeded();
    // kernel digits first: they must stay ≤ the digits per class (the contract refuses otherwise)
    for (const [key, v] of [
      ['kernelPerClass', '2'],
      ['trainPerClass', '4'],
      ['epochs', '2'],
      ['recordEvery', '1'],
    ] as const) {
      await page.getByTestId(`collapse-train-${key}`).fill(v);
      await page.getByTestId(`collapse-train-${key}`).press('Enter'); // number fields commit on Enter or blur
    }
    await page.getByTestId('collapse-train-run').click();
    await expect
      .poll(() => attr(page, 'collapse-train-status', 'data-state'), { timeout: 180_000, interval: 500 })
      .toBe('done');
    expect(await attr(page, 'collapse-train-status', 'data-records')).toBe('3'); // epochs 0, 1, 2
    expect(await page.getByTestId('collapse-train-error').count()).toBe(0);
    expect(Number(await attr(page, 'collapse-train-metrics', 'data-points'))).toBeGreaterThanOrEqual(12);
    expect(Number(await attr(page, 'collapse-train-kernels', 'data-points'))).toBeGreaterThanOrEqual(12);
    expect(await page.getByTestId('collapse-train-metrics-series').count()).toBe(5);
    expect(await page.getByTestId('collapse-train-readout').textContent()).toMatch(/NC1, NC2, NC3/);
    const csv = await downloadText(page, 'export-collapse-train-metrics-csv');
    expect(csv.name).toBe('ntk-collapse-train-metrics-e2-m4-q2-lr0.2-s0.csv');
    const rows = parseCsv(csv.body);
    expect(rows.length).toBe(4);
    expect(rows.slice(1).map((r) => Number(r[0]))).toEqual([0, 1, 2]);
    const nc1 = rows[0].indexOf('nc1');
    for (const r of rows.slice(1)) expect(Number(r[nc1])).toBeGreaterThan(0);
  });
});
