// `npm start`: build, then open the Electron app if it can run here; otherwise say why in one line and start
// web mode (which prints the URL to open). Ctrl-C stops whatever is running.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const INSTALL_TIMEOUT_MS = 60_000;
/** An Electron that dies with an error this soon never got its window up: fall back instead of giving up. */
const EARLY_EXIT_MS = 5_000;

const say = (line) => process.stderr.write(`[npm start] ${line}\n`);

function binOf(pkg, name) {
  const pkgJson = require.resolve(`${pkg}/package.json`);
  const { bin } = require(pkgJson);
  return join(dirname(pkgJson), typeof bin === 'string' ? bin : bin[name]);
}

/** Path of the Electron executable, or the reason there is none. Fresh each call (the package caches its answer). */
function electronBinary() {
  try {
    const id = require.resolve('electron');
    delete require.cache[id];
    const path = require('electron');
    if (typeof path !== 'string') return { reason: 'the electron package did not return a path' };
    if (!existsSync(path)) return { reason: `binary missing at ${path}` };
    return { path };
  } catch (err) {
    return { reason: String(err?.message ?? err).split('\n')[0] };
  }
}

/** The electron package's own downloader (its postinstall is not allowed to run during `npm install`). */
function tryDownloadElectron() {
  say(`Electron binary not installed; trying to download it once (up to ${INSTALL_TIMEOUT_MS / 1000} s)…`);
  const result = spawnSync(process.execPath, [join(dirname(require.resolve('electron/package.json')), 'install.js')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: INSTALL_TIMEOUT_MS,
    encoding: 'utf8',
  });
  if (result.error) return result.error.code === 'ETIMEDOUT' ? 'download timed out' : result.error.message;
  if (result.status !== 0) {
    const firstLine = (result.stderr ?? '').split('\n').find((l) => l.trim() !== '') ?? `exit code ${result.status}`;
    return firstLine.trim();
  }
  return null;
}

function whyElectronCannotRun() {
  if (process.env.NTK_LAB_WEB === '1') return 'NTK_LAB_WEB=1 asks for web mode';
  let found = electronBinary();
  if (!found.path) {
    const failure = tryDownloadElectron();
    found = electronBinary();
    if (!found.path) return `Electron binary not available (download failed: ${failure ?? found.reason})`;
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return 'no display (neither DISPLAY nor WAYLAND_DISPLAY is set)';
  return null;
}

let child = null;
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping = true;
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
    else process.exit(130);
  });
}

function run(command, args, env = process.env) {
  child = spawn(command, args, { cwd: root, stdio: 'inherit', env });
  return child;
}

function startWebMode(reason) {
  say(`${reason} — starting web mode instead.`);
  const web = run(process.execPath, [
    binOf('tsx', 'tsx'),
    join(root, 'src-main/web/serve.ts'),
    ...process.argv.slice(2),
  ]);
  web.on('error', (err) => {
    say(`could not start web mode: ${err.message}`);
    process.exit(1);
  });
  web.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

function startElectron(path) {
  const startedAt = Date.now();
  // ELECTRON_RUN_AS_NODE in the environment would turn Electron into plain Node and ignore our app.
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const app = run(path, ['.'], env);
  let fellBack = false; // a failed spawn may report both 'error' and 'exit'
  const fallBack = (why) => {
    if (fellBack || stopping) return;
    fellBack = true;
    startWebMode(why);
  };
  app.on('error', (err) => fallBack(`Electron failed to launch (${err.message})`));
  app.on('exit', (code, signal) => {
    if (fellBack) return;
    if (stopping || signal) process.exit(0);
    if (code !== 0 && Date.now() - startedAt < EARLY_EXIT_MS)
      return fallBack(`Electron exited with code ${code} right after starting`);
    process.exit(code ?? 0);
  });
}

say('building (electron-vite build)…');
// Build chatter goes to stderr: stdout stays for the one URL line web mode prints.
const build = spawnSync(process.execPath, [binOf('electron-vite', 'electron-vite'), 'build'], {
  cwd: root,
  stdio: ['inherit', 2, 'inherit'],
});
if (stopping || build.signal) process.exit(130);
if (build.status !== 0) {
  say(
    `build failed (${build.error?.message ?? `exit code ${build.status}`}); fix the errors above and run npm start again.`,
  );
  process.exit(1);
}

const reason = whyElectronCannotRun();
if (reason) startWebMode(reason);
else startElectron(electronBinary().path);
