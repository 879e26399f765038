// `npm run screenshot`: refreshes the README's docs/screenshot.png. The same harness as the e2e specs (the real
// web-mode host and Debian's chromium at 1400 × 900) and the same default-view state that e2e/web.spec.ts checks;
// fails, writing nothing, if the view does not finish measuring. Needs a build (`npm run screenshot` builds first).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT, startLab, waitForMeasuredDefaults } from '../e2e/harness';

const target = join(REPO_ROOT, 'docs', 'screenshot.png');
const lab = await startLab();
try {
  const { page, problems, close } = await lab.open();
  await waitForMeasuredDefaults(page);
  if (problems.length > 0) throw new Error(`the page reported problems:\n${problems.join('\n')}`);
  await mkdir(join(REPO_ROOT, 'docs'), { recursive: true });
  await page.screenshot({ path: target });
  await close();
  console.log(`wrote ${target}`);
} finally {
  await lab.close();
}
