// For the sampler tests: the plain sample mean and its standard error s/√N (unbiased s²), written out here rather
// than taken from src-shared/stats/summary.ts so the engine's results are checked by an independent computation.

export function meanAndStderr(a: ArrayLike<number>): { mean: number; se: number } {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  const mean = s / a.length;
  let ss = 0;
  for (let i = 0; i < a.length; i++) ss += (a[i] - mean) ** 2;
  return { mean, se: Math.sqrt(ss / (a.length - 1) / a.length) };
}
