// Issue 16: the cursor's measurement is live (no debounce): after an arrow-key step the readout's measured value is
// that of the new point, and the job starts in the same frame as the step.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { labPerFile, requireEngine } from './harness';

const session = labPerFile();

interface ReadoutState {
  sigmaW2: number;
  depth: number;
  status: string;
  measured: { sigmaW2: string; depth: string; value: string };
}

/** One synchronous read of the readout: the cursor's point, the measurement's status and whose value it shows. */
const readState = (page: Page): Promise<ReadoutState> =>
  page.evaluate(() => {
    const doc = (
      globalThis as unknown as {
        document: { querySelector(s: string): { getAttribute(a: string): string | null } | null };
      }
    ).document;
    const attr = (id: string, a: string) => doc.querySelector(`[data-testid="${id}"]`)?.getAttribute(a) ?? '';
    return {
      sigmaW2: Number(attr('readout-sigmaW2', 'data-value')),
      depth: Number(attr('readout-depth', 'data-value')),
      status: attr('readout-measured-status', 'data-status'),
      measured: {
        sigmaW2: attr('readout-measured-dispersion', 'data-sigma-w2'),
        depth: attr('readout-measured-dispersion', 'data-depth'),
        value: attr('readout-measured-dispersion', 'data-value'),
      },
    };
  });

describe('live cursor measurement (web mode)', () => {
  it('after each arrow-key step the measured value belongs to the new point, started without a debounce', async () => {
    const page = await session.open();
    await requireEngine(page);
    await page.getByTestId('plane').focus();
    for (const key of ['ArrowRight', 'ArrowUp', 'ArrowRight', 'ArrowDown']) {
      const before = await readState(page);
      await page.keyboard.press(key);
      // the step and the start of its job happen in one task: once the readout shows the new point, its
      // measurement is never "waiting" (a debounce would hold it there for its delay)
      const after = await readState(page);
      expect(after.sigmaW2 !== before.sigmaW2 || after.depth !== before.depth).toBe(true);
      expect(after.status).not.toBe('waiting');
      expect(after.status).not.toBe('');
      await expect
        .poll(
          async () => {
            const s = await readState(page);
            const own = Number(s.measured.sigmaW2) === s.sigmaW2 && Number(s.measured.depth) === s.depth;
            return s.measured.value !== '' && own ? 'measured' : JSON.stringify(s);
          },
          { timeout: 30_000 },
        )
        .toBe('measured');
      const s = await readState(page);
      expect(Number(s.measured.value)).toBeGreaterThan(1);
    }
  });
});
