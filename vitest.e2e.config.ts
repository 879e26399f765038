import { defineConfig } from 'vitest/config';

// End-to-end specs: playwright-core drives Debian's chromium against the web-mode host (and Electron where it exists).
const reportDir = process.env.NTK_LAB_TEST_REPORT_DIR;

export default defineConfig({
  test: {
    include: ['e2e/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
    reporters: reportDir ? ['default', 'json'] : ['default'],
    outputFile: reportDir ? { json: `${reportDir}/e2e.json` } : undefined,
  },
});
