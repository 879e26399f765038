// `npm run dist`: desktop installers with electron-builder (electron-builder.config.ts). electron-builder downloads
// the Electron build of each target platform (then its packaging tools) on first use. That download is checked first,
// so a machine without internet gets one line naming what could not be downloaded instead of a stack of retries;
// then the app is built (electron-vite) and packaged. Arguments go to electron-builder: --linux, --mac, --win (with
// target names, e.g. --linux AppImage), --x64, --arm64. See README, "Desktop installers".
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const DOWNLOAD_TIMEOUT_MS = 120_000;
const args = process.argv.slice(2);

const fail = (line) => {
  process.stderr.write(`npm run dist: ${line}\n`);
  process.exit(1);
};

/** The (platform, arch) pairs electron-builder will package for these arguments (its defaults: this machine). */
export function targetsOf(argv, host = { platform: process.platform, arch: process.arch }) {
  const platforms = new Set();
  const arches = new Set();
  for (const a of argv) {
    if (a === '--linux' || a === '-l') platforms.add('linux');
    else if (a === '--mac' || a === '--macos' || a === '-m') platforms.add('darwin');
    else if (a === '--win' || a === '--windows' || a === '-w') platforms.add('win32');
    else if (['--x64', '--arm64', '--ia32', '--armv7l'].includes(a)) arches.add(a.slice(2));
  }
  if (platforms.size === 0) platforms.add(host.platform);
  if (arches.size === 0) arches.add(host.arch);
  return [...platforms].flatMap((platform) => [...arches].map((arch) => ({ platform, arch })));
}

function binOf(pkg, name) {
  const pkgJson = require.resolve(`${pkg}/package.json`);
  const { bin } = require(pkgJson);
  return join(dirname(pkgJson), typeof bin === 'string' ? bin : bin[name]);
}

async function main() {
  const { version } = require('electron/package.json');
  const { downloadArtifact } = require('@electron/get');
  for (const { platform, arch } of targetsOf(args)) {
    const zip = `electron-v${version}-${platform}-${arch}.zip`;
    // the same call and cache as the electron package's own installer (ELECTRON_MIRROR and electron_config_cache apply)
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`timed out after ${DOWNLOAD_TIMEOUT_MS / 1000} s`)),
        DOWNLOAD_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([
        downloadArtifact({
          version,
          artifactName: 'electron',
          platform,
          arch,
          cacheRoot: process.env.electron_config_cache,
          checksums: require('electron/checksums.json'),
        }),
        timeout,
      ]);
    } catch (err) {
      const why = String(err?.message ?? err).split('\n')[0];
      fail(
        `cannot download ${zip} (${why}), which electron-builder packages; ` +
          'build the installers on a machine with internet access (README, "Desktop installers")',
      );
    } finally {
      clearTimeout(timer);
    }
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  // target names after --linux (e.g. `--linux AppImage`) replace the configured ones
  const names = args.filter((a) => !a.startsWith('-'));
  const debWanted =
    targetsOf(args).some((t) => t.platform === 'linux') && (names.length === 0 || names.includes('deb'));
  if (debWanted && !(pkg.homepage && pkg.author?.email))
    fail(
      'the .deb needs "homepage" and "author": {"name", "email"} in package.json (Debian requires a maintainer); ' +
        'add them, or build the AppImage alone with `npm run dist -- --linux AppImage`',
    );
  const run = (cmd, cmdArgs) => {
    const r = spawnSync(process.execPath, [cmd, ...cmdArgs], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  };
  run(binOf('electron-vite', 'electron-vite'), ['build']);
  run(binOf('electron-builder', 'electron-builder'), ['--config', 'electron-builder.config.ts', ...args]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    () => process.exit(0),
    (err) => fail(String(err?.message ?? err).split('\n')[0]),
  );
}
