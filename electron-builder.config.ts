// electron-builder configuration of the desktop installers (`npm run dist`, scripts/dist.mjs): Linux AppImage and
// deb, macOS dmg, Windows NSIS. Build each platform's installers on that platform (a dmg needs macOS; NSIS on Linux
// needs wine). src-main/electron/packaging.test.ts checks the targets, fuses and packaged files.
import type { Configuration } from 'electron-builder';

/** Reverse-DNS id: macOS bundle id, Windows AppUserModelID, Linux desktop-file name. */
export const APP_ID = 'org.ntkphaselab.desktop';

const config: Configuration = {
  appId: APP_ID,
  productName: 'NTK Phase Lab',
  executableName: 'ntk-phase-lab',
  copyright: 'NTK Phase Lab contributors',
  directories: { output: 'dist', buildResources: 'resources' },
  // the electron-vite build only (main + workers, preload, renderer) and package.json; the production
  // dependencies are added by electron-builder itself (devDependencies never are). No sources, tests or maps.
  files: ['package.json', 'out/**/*', '!out/**/*.map'],
  asar: true,
  // read by file path from worker threads: TensorFlow.js's wasm binaries, native addons if a tfjs-node is installed
  asarUnpack: ['node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm', '**/*.node'],
  icon: 'resources/icon.png',
  // Electron fuses, flipped in the packaged binary (https://www.electronjs.org/docs/latest/tutorial/fuses): the app
  // spawns worker_threads, never ELECTRON_RUN_AS_NODE children, and serves its pages over app://, not file://.
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Science',
    icon: 'resources/icon.png',
    synopsis: 'NTK theory and sampled networks over the initialization phase diagram',
  },
  mac: { target: ['dmg'], category: 'public.app-category.education', icon: 'resources/icon.png' },
  dmg: { artifactName: '${productName}-${version}-${arch}.${ext}' },
  win: { target: ['nsis'], icon: 'resources/icon.png' },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true, perMachine: false },
  appImage: { artifactName: '${productName}-${version}-${arch}.${ext}' },
};

export default config;
