import { startLab } from './harness';
const lab = await startLab();
try {
  const { page, problems } = await lab.open();
  await page.getByTestId('measure-slices').uncheck();
  await page.getByTestId('input-width').fill('30');
  await page.getByTestId('input-sigmaW2').fill('2.5');
  await page.getByTestId('tab-gd-step').click();
  await page.getByTestId('gd-layer-toggle').check();
  await page.waitForTimeout(20000);
  await page.screenshot({ path: '/tmp/h5/shot1.png' });
  await page.getByTestId('gd-quantity-signed').check({ force: true });
  await page.getByTestId('input-sigmaW2').count();
  await page.waitForTimeout(1000);
  await page.screenshot({ path: '/tmp/h5/shot2.png' });
  console.log(await page.getByTestId('gd-step-slice-note').textContent());
  console.log(await page.getByTestId('gd-step-layer-note').textContent());
  console.log(await page.getByTestId('gd-readout').textContent());
  console.log('problems', problems);
} finally {
  await lab.close();
}
