// The TF worker-count setting in the status bar (lab.setTfWorkers), in web mode: real host, real engine, Debian's
// chromium. Changing it changes what lab.info reports (the status bar shows it), bad counts are refused with a message
// naming the field, and a tiny trainability sweep still runs on the new pool.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { labPerFile, requireEngine } from './harness';

const session = labPerFile();

const attr = async (page: Page, testid: string, name: string) => page.getByTestId(testid).first().getAttribute(name);

async function fillEnter(page: Page, testid: string, text: string): Promise<void> {
  await page.getByTestId(testid).fill(text);
  await page.getByTestId(testid).press('Enter'); // number fields commit on Enter or blur
}

describe('TF worker setting', () => {
  it('changes the TF worker count, refuses 0 and absurd counts, and a tiny sweep still runs', async () => {
    const page = await session.open();
    await requireEngine(page);
    await page.getByTestId('measure-slices').uncheck();
    // the TF backend is detected after connecting; the setting shows once the engine reports it
    await expect.poll(() => attr(page, 'status-tf', 'data-backend'), { timeout: 60_000, interval: 300 }).toMatch(/\S/);
    await expect.poll(() => attr(page, 'tf-workers-button', 'data-running'), { timeout: 30_000 }).toMatch(/^\d+$/);
    const before = Number(await attr(page, 'tf-workers-button', 'data-setting'));
    const target = before === 1 ? 2 : 1;
    await page.getByTestId('tf-workers-button').click();
    await fillEnter(page, 'tf-workers-input', String(target));
    await expect.poll(() => attr(page, 'tf-workers-button', 'data-setting'), { timeout: 10_000 }).toBe(String(target));
    // wasm (what runs here) spreads cells over every worker asked for
    expect(await attr(page, 'status-tf', 'data-backend')).toBe('wasm');
    expect(await attr(page, 'tf-workers-button', 'data-running')).toBe(String(target));
    expect(await page.getByTestId('tf-workers-button').textContent()).toMatch(new RegExp(`TF workers: ${target}\\b`));
    expect(await page.getByTestId('status-tf').getAttribute('title')).toContain(`TF workers: ${target}`);

    for (const bad of ['0', '100000', '1.5']) {
      await page.getByTestId('tf-workers-input').fill(bad);
      await expect
        .poll(() => page.getByTestId('tf-workers-input-error').textContent(), { timeout: 5_000 })
        .toMatch(/^TF workers must be/);
      await page.getByTestId('tf-workers-input').press('Enter');
    }
    await page.getByTestId('tf-workers-input').press('Escape');
    expect(await attr(page, 'tf-workers-button', 'data-setting')).toBe(String(target));

    // a tiny trainability sweep (2×2 cells, synthetic data) on the resized pool
    await page.getByTestId('tab-trainability').click();
    await expect.poll(() => page.getByTestId('trainability-panel').isVisible()).toBe(true);
    const fields: [string, string][] = [
      ['tr-width', '16'],
      ['tr-steps', '5'],
      ['tr-batch', '16'],
      ['tr-train-size', '64'],
      ['tr-test-size', '32'],
      ['tr-smin', '1'],
      ['tr-smax', '3'],
      ['tr-scount', '2'],
    ];
    for (const [id, v] of fields) await fillEnter(page, id, v);
    await page.getByTestId('tr-depths').fill('2, 3');
    await page.getByTestId('tr-dataset-synthetic').check({ force: true }); // the radio is visually hidden
    await fillEnter(page, 'tr-seed', '23'); // each spec file's host has a fresh data dir: nothing to resume
    expect(await page.getByTestId('tr-params-error').count()).toBe(0);
    await page.getByTestId('tr-start').click();
    await expect.poll(() => attr(page, 'tr-progress', 'data-status'), { timeout: 10_000 }).not.toBe('idle');
    if ((await attr(page, 'tr-progress', 'data-status')) === 'error')
      throw new Error(`the sweep failed: ${await page.getByTestId('tr-error').textContent()}`);
    await expect
      .poll(() => attr(page, 'tr-progress', 'data-status'), { timeout: 180_000, interval: 500 })
      .toBe('complete');
    expect(await attr(page, 'tr-progress', 'data-done')).toBe('4');
    expect(await page.getByTestId('tplane-cell').count()).toBe(4);
  }, 300_000);
});
