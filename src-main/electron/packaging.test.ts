// The desktop installers' configuration (electron-builder.config.ts) and `npm run dist` (scripts/dist.mjs): targets,
// Electron fuses, which files are packaged, the icon, and the one-line failure when Electron cannot be downloaded.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';
import config, { APP_ID } from '../../electron-builder.config';
import { targetsOf } from '../../scripts/dist.mjs';

const root = join(__dirname, '..', '..');

/** electron-builder's `files` semantics: patterns in order, a later match wins, `!` excludes. */
function packaged(file: string): boolean {
  let included = false;
  for (const pattern of config.files as string[]) {
    const negated = pattern.startsWith('!');
    if (minimatch(file, negated ? pattern.slice(1) : pattern, { dot: true })) included = !negated;
  }
  return included;
}

const targetsOfPlatform = (t: unknown): string[] =>
  ((t as { target: (string | { target: string })[] }).target ?? []).map((x) => (typeof x === 'string' ? x : x.target));

describe('electron-builder configuration', () => {
  it('builds AppImage and deb, dmg, and NSIS under a reverse-DNS app id', () => {
    expect(targetsOfPlatform(config.linux).sort()).toEqual(['AppImage', 'deb']);
    expect(targetsOfPlatform(config.mac)).toEqual(['dmg']);
    expect(targetsOfPlatform(config.win)).toEqual(['nsis']);
    expect(config.appId).toBe(APP_ID);
    expect(APP_ID).toMatch(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*){2,}$/);
    expect(config.directories?.output).toBe('dist'); // git-ignored
  });

  it('sets the Electron fuses: no RunAsNode, encrypted cookies, app only from asar, no NODE_OPTIONS', () => {
    expect(config.asar).toBe(true);
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      onlyLoadAppFromAsar: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packages the electron-vite build and package.json, not sources, tests, maps or dev files', () => {
    const main = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).main.replace(/^\.\//, '');
    for (const f of [
      'package.json',
      main,
      'out/main/sample-worker.js',
      'out/main/tf-worker.js',
      'out/preload/index.cjs',
      'out/renderer/index.html',
      'out/renderer/assets/index-abc123.js',
    ])
      expect(packaged(f), f).toBe(true);
    for (const f of [
      'out/main/index.js.map',
      'src-main/electron/main.ts',
      'src-main/tf/sweep/store.test.ts',
      'src-shared/params.ts',
      'e2e/web.spec.ts',
      'bench/index.ts',
      'docs/exact-moments.md',
      'scripts/dist.mjs',
      'electron-builder.config.ts',
      'README.md',
      '.lab-data/sweeps/x/cells.jsonl',
      'sweeps/relu/cells.jsonl',
    ])
      expect(packaged(f), f).toBe(false);
  });

  it('uses a square PNG icon of at least 512×512 px from resources/ for every platform', () => {
    const icon = config.icon as string;
    expect(icon.startsWith('resources/')).toBe(true);
    for (const p of [config.linux, config.mac, config.win]) expect((p as { icon: string }).icon).toBe(icon);
    const png = readFileSync(join(root, icon));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    expect(w).toBe(h);
    expect(w).toBeGreaterThanOrEqual(512);
  });
});

describe('npm run dist', () => {
  it('packages for this machine by default, and for the platforms and archs given', () => {
    const host = { platform: 'linux', arch: 'x64' };
    expect(targetsOf([], host)).toEqual([host]);
    expect(targetsOf(['--win', '--mac', '--arm64'], host)).toEqual([
      { platform: 'win32', arch: 'arm64' },
      { platform: 'darwin', arch: 'arm64' },
    ]);
    expect(targetsOf(['--linux', 'AppImage'], host)).toEqual([host]);
  });

  it('without a reachable Electron download it fails with one line naming the file', () => {
    const { version } = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8'));
    const cache = mkdtempSync(join(tmpdir(), 'ntk-dist-cache-'));
    // port 9 (discard) on loopback refuses the connection at once: an unreachable mirror, no internet needed
    const r = spawnSync(process.execPath, [join(root, 'scripts/dist.mjs'), '--linux', '--x64'], {
      cwd: root,
      env: { ...process.env, ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: cache },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`cannot download electron-v${version}-linux-x64.zip`);
    expect(lines[0]).toMatch(/machine with internet access/);
  });
});
