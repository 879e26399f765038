import { defineConfig } from 'vitest/config';

// In CI, NTK_LAB_TEST_REPORT_DIR collects JSON reports that scripts/test-summary.mjs sums into one closing line.
const reportDir = process.env.NTK_LAB_TEST_REPORT_DIR;

export default defineConfig({
  test: {
    include: ['src-shared/**/*.test.ts', 'src-main/**/*.test.ts', 'src-renderer/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks',
    reporters: reportDir ? ['default', 'json'] : ['default'],
    outputFile: reportDir ? { json: `${reportDir}/unit.json` } : undefined,
  },
});
