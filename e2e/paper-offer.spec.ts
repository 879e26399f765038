// The paper-size presets (Fig. 4 training dynamics, Fig. 3 trainability) offer themselves only on a GPU backend. CI
// and this machine have none (tfjs runs on wasm): both tabs say the offer is absent and why, and no probe job runs.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { labPerFile, requireEngine } from './harness';

const session = labPerFile();

const attr = async (page: Page, testid: string, name: string) => page.getByTestId(testid).first().getAttribute(name);

describe('paper-size offer without a GPU', () => {
  it('is absent on both training tabs with the reason "no GPU backend"', async () => {
    const page = await session.open();
    await requireEngine(page);
    await page.getByTestId('measure-slices').uncheck();
    await expect.poll(() => attr(page, 'status-tf', 'data-backend'), { timeout: 60_000, interval: 300 }).toMatch(/\S/);
    const backend = await attr(page, 'status-tf', 'data-backend');
    expect(['wasm', 'cpu', 'tensorflow']).toContain(backend); // no GPU here: what the test is about
    for (const [tab, offer] of [
      ['tab-train', 'train-paper-offer'],
      ['tab-trainability', 'tr-paper-offer'],
    ]) {
      await page.getByTestId(tab).click();
      await expect
        .poll(() => attr(page, offer, 'data-reason'), { timeout: 10_000 })
        .toBe(`no GPU backend (tfjs ${backend} on the CPU)`);
      expect(await attr(page, offer, 'data-offered')).toBe('false');
      expect(await page.getByTestId(offer).textContent()).toMatch(/Paper size not offered: no GPU backend/);
    }
  }, 120_000);
});
