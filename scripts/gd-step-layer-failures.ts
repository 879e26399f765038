// How many cells of the default First GD step plane layer get no value (issue 16: "110 of 240 cells"), and how many
// are summarized in log form because Θ′ left float64 (gd-step-fast-passes.ts): every cell of both levels at the
// tab's defaults (M = 200, n₀ = 200, N = 24, η = 10⁻³, y = 0, seed 1), its networks drawn in process (block 0, as
// the pool's first block) and summarized by the service's own finalGdStepResult. Failures are grouped by their
// message with the numbers blanked out.
// Usage: npx tsx scripts/gd-step-layer-failures.ts
import { gdStepParamsSchema } from '../src-shared/contract/gd-step';
import { runGdStepBlock } from '../src-main/engine/gd-step-block';
import { finalGdStepResult } from '../src-main/service/gd-step-run';
import { gdLayerSchedule } from '../src-renderer/lib/gd-step-plots';
import { GD_STEP_DEFAULTS, gdStepJobParams } from '../src-renderer/lib/gd-step-view';

const width = 200,
  inputDim = 200;
const cells = gdLayerSchedule(width);
const reasons = new Map<string, number>();
let failed = 0,
  inLogs = 0,
  maxLog10 = -Infinity;
const start = performance.now();
for (const c of cells) {
  const input = gdStepJobParams(
    { sigmaW2: c.sigmaW2, depth: c.depth, width, inputDim },
    GD_STEP_DEFAULTS,
    GD_STEP_DEFAULTS.layerSamples,
  );
  const params = gdStepParamsSchema.parse(input);
  const b = runGdStepBlock(params, 0, params.samples);
  try {
    const n = b.theta.length;
    const logs = b.logTheta && {
      theta: b.logTheta,
      thetaAfter: b.logThetaAfter!,
      absDelta: b.logAbsDelta!,
      deltaSign: b.deltaSign!,
    };
    const r = finalGdStepResult(
      params,
      { theta: b.theta, thetaAfter: b.thetaAfter!, logs, count: n, diverged: b.diverged ?? 0 },
      0,
      'script',
    );
    if (r.logRelativeChange) {
      inLogs++;
      maxLog10 = Math.max(maxLog10, r.logRelativeChange.logAbs / Math.LN10);
    }
  } catch (err) {
    failed++;
    const why = (err instanceof Error ? err.message : String(err))
      .replace(/[-−]?\d[\d.]*(e[+-]?\d+)?/g, '#')
      .slice(0, 90);
    reasons.set(why, (reasons.get(why) ?? 0) + 1);
  }
}
console.log(`${failed} of ${cells.length} cells failed (${((performance.now() - start) / 1000).toFixed(1)} s)`);
console.log(`${inLogs} cells summarized in log form (beyond float64), largest E[ΔΘ]/E[Θ] ≈ 10^${maxLog10.toFixed(0)}`);
for (const [why, k] of reasons) console.log(`  ${k} × ${why}`);
