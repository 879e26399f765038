// The production build with the renderer left unminified, for profiling (bench/drag-trace.ts): the CPU profile and
// the devtools trace then name the renderer's functions. Same outputs as electron.vite.config.ts otherwise.
// npx electron-vite build -c electron.vite.prof.config.ts
import config from './electron.vite.config';

export default {
  ...config,
  renderer: { ...config.renderer, build: { ...config.renderer?.build, minify: false } },
};
