// The same renderer checks through the Electron shell, when an Electron binary and a display exist; otherwise the
// suite is skipped with the reason printed (CI containers ship electron's .d.ts but no binary and no display).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { checkBadWidth, checkDrag, checkKeyboard, checkPlaneRenders } from './checks';
import { REPO_ROOT, VIEWPORT, waitForPlane } from './harness';

function electronBinary(): { path?: string; reason?: string } {
  const require = createRequire(import.meta.url);
  // The electron package finds its binary through path.txt, which only its download (install.js) writes. Without it,
  // require('electron') says "delete node_modules/electron and try installing again", which would not help:
  // npm install never runs that download here (package.json allowScripts), and reinstalling would not either.
  let pathTxt: string | undefined;
  try {
    pathTxt = join(dirname(require.resolve('electron/package.json')), 'path.txt');
  } catch (err) {
    return { reason: `the electron package is not installed (${(err as Error).message.split('\n')[0]})` };
  }
  if (!process.env.ELECTRON_OVERRIDE_DIST_PATH && !existsSync(pathTxt))
    return {
      reason:
        "no Electron binary: none has been downloaded (npm install does not run electron's download; " +
        '`npm start` tries it once and prints why it fails, e.g. no internet access; see the README, ' +
        '"When Electron\'s download is impossible")',
    };
  let path: unknown;
  try {
    path = require('electron');
  } catch (err) {
    return { reason: `require('electron') failed: ${(err as Error).message.split('\n')[0]}` };
  }
  if (typeof path !== 'string' || !existsSync(path))
    return { reason: `require('electron') gave ${String(path)}, which is not a file` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return { reason: 'no display (DISPLAY/WAYLAND_DISPLAY unset)' };
  if (!existsSync(`${REPO_ROOT}/out/main/index.js`))
    return { reason: 'out/main/index.js is missing: run `npm run build`' };
  return { path };
}

const found = electronBinary();
if (!found.path) console.log(`[e2e/electron] skipped: ${found.reason}`);

describe.skipIf(!found.path)('Electron shell', () => {
  let app: ElectronApplication;
  let page: Page;

  beforeAll(async () => {
    app = await _electron.launch({ executablePath: found.path, args: [REPO_ROOT], cwd: REPO_ROOT });
    page = await app.firstWindow();
    await page.setViewportSize(VIEWPORT);
    await waitForPlane(page);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('renders the plane and talks to the engine over IPC', async () => {
    await checkPlaneRenders(page);
    expect(await page.getByTestId('status-connection').getAttribute('data-state')).toBe('connected');
    expect(await page.getByTestId('status-transport').textContent()).toContain('Electron IPC');
  });

  it('follows a mouse drag', async () => {
    await checkDrag(page);
  });

  it('moves by arrow keys', async () => {
    await checkKeyboard(page);
  });

  it('rejects bad width input', async () => {
    await checkBadWidth(page);
  });
});
