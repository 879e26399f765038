import { startLab, waitForPlane } from '/work/main/e2e/harness';
const lab = await startLab();
try {
  for (const slices of [true, false]) {
    const ctx = await lab.browser.newContext({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
    const page = await ctx.newPage();
    await page.goto(lab.host.url);
    await waitForPlane(page);
    if (!slices) await page.getByTestId('measure-slices').uncheck();
    await page.getByTestId('input-width').fill('30');
    await page.getByTestId('input-layer-samples').fill('600');
    await page.getByTestId('layer-toggle').check();
    const t0 = Date.now();
    let last = -1;
    while (Date.now() - t0 < 40000) {
      const d = Number(await page.getByTestId('layer-progress').getAttribute('data-done'));
      const txt = await page.getByTestId('layer-progress').textContent();
      if (d !== last) { console.log(slices, Date.now() - t0, d, txt); last = d; }
      if (txt?.startsWith('done')) break;
      await page.waitForTimeout(500);
    }
    await ctx.close();
  }
} finally { await lab.close(); }
