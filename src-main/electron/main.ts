// Electron main process (built to out/main/index.js): one hardened window showing the renderer from app://lab,
// the lab service behind the `lab:request` / `lab:event` IPC channels, no other way in or out.
import { app, BrowserWindow, ipcMain, protocol, session, type WebContents, type WebFrameMain } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabService } from '../service/lab-service';
import { attachElectronIpc } from '../transport/electron-ipc';
import { APP_INDEX_URL, APP_SCHEME, isAppUrl, serveAppRequest } from './app-protocol';

const outMain = dirname(fileURLToPath(import.meta.url)); // out/main
const rendererDir = join(outMain, '../renderer');
const preloadPath = join(outMain, '../preload/index.cjs');
const workerEntry = join(outMain, 'sample-worker.js');
// electron-vite dev sets this to the Vite dev server; a packaged or built app never trusts it.
const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const devOrigin = devUrl ? new URL(devUrl).origin : undefined;

function isOurPage(url: string): boolean {
  if (isAppUrl(url)) return true;
  if (!devOrigin) return false;
  try {
    return new URL(url).origin === devOrigin;
  } catch {
    return false;
  }
}

// Must precede `ready`: a standard, secure scheme gives the page a real origin ('self' in the CSP, ES modules).
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);
app.enableSandbox();

// Every webContents, present or future: no new windows, no navigation away, no <webview>.
app.on('web-contents-created', (_event, contents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => {
    if (event.url !== contents.getURL()) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isOurPage(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

let service: LabService | undefined;
let mainWindow: BrowserWindow | undefined;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 920,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'NTK Phase Lab',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = undefined;
  });
  void (devUrl ? win.loadURL(devUrl) : win.loadURL(APP_INDEX_URL));
  return win;
}

function isTrustedSender(frame: WebFrameMain, sender: WebContents): boolean {
  // Only our window, only its top frame, only while it shows our app (not a page it was tricked into loading).
  return (
    mainWindow !== undefined &&
    !mainWindow.isDestroyed() &&
    sender === mainWindow.webContents &&
    frame.parent === null &&
    isOurPage(frame.url)
  );
}

app.whenReady().then(
  () => {
    const ses = session.defaultSession;
    ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    ses.setPermissionCheckHandler(() => false);
    // The CSP travels as a header of every app:// response (see app-protocol.ts). The Vite dev server is left
    // alone: it injects inline styles and its own HMR socket, which the strict policy would block.
    protocol.handle(APP_SCHEME, (request) => serveAppRequest(rendererDir, request));

    // compute threads below the window's priority, so a drag keeps the CPU (engine/thread-priority.ts)
    service = new LabService({ workerEntry, dataDir: app.getPath('userData'), computePriority: 'below-normal' });
    const ipc = attachElectronIpc({ ipcMain, service, isTrustedSender });
    mainWindow = createWindow();

    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
    });
    app.once('will-quit', (event) => {
      // Stop the worker pool before exiting so no sampling thread outlives the window.
      if (!service) return;
      event.preventDefault();
      const closing = service;
      service = undefined;
      ipc.close();
      void closing.close().finally(() => app.quit());
    });
  },
  (err: unknown) => {
    console.error('NTK Phase Lab failed to start:', err);
    app.exit(1);
  },
);

app.on('window-all-closed', () => app.quit());
