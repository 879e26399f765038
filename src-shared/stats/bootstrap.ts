// Bootstrap standard error (Efron): resample the N values with replacement, recompute the statistic, and take the
// standard deviation over replicates. Seeded, so the same (samples, stat, replicates, rng state) gives the same SE.
import type { Rng } from '../rng';

const TWO_POW_M32 = 2 ** -32;

/**
 * out[i] = samples[J_i] with J_i i.i.d. uniform on {0, …, N−1}. For N ≤ 2¹⁶ each 32-bit word yields two indices by
 * Lemire's multiply-shift with rejection (exactly uniform); above, ⌊u·N/2³²⌋ (index probabilities differ by at most
 * one part in 2³²/N ≥ 2048, irrelevant for a standard error).
 */
function resampleInto(samples: ArrayLike<number>, out: Float64Array, rng: Rng): void {
  const n = samples.length;
  if (n <= 0x10000) {
    const reject = (0x10000 - n) % n; // low parts below this would make some indices more likely
    let i = 0;
    while (i < n) {
      const w = rng.nextU32();
      let m = (w & 0xffff) * n;
      if ((m & 0xffff) >= reject) out[i++] = samples[m >>> 16];
      if (i < n) {
        m = (w >>> 16) * n;
        if ((m & 0xffff) >= reject) out[i++] = samples[m >>> 16];
      }
    }
    return;
  }
  for (let i = 0; i < n; i++) out[i] = samples[Math.floor(rng.nextU32() * n * TWO_POW_M32)];
}

/** Standard deviation of stat over `replicates` (≥ 2) bootstrap resamples; one resample buffer is reused. */
export function bootstrapStderr(samples: ArrayLike<number>, stat: (s: Float64Array) => number, replicates: number, rng: Rng): number {
  const n = samples.length;
  if (n < 1) throw new RangeError('bootstrap needs at least one sample');
  if (n > 2 ** 21) throw new RangeError(`bootstrap: at most ${2 ** 21} samples (got ${n})`); // index = ⌊u32·N/2³²⌋ stays exact
  if (!Number.isInteger(replicates) || replicates < 2) throw new RangeError(`bootstrap needs an integer number of replicates ≥ 2 (got ${replicates})`);
  const resample = new Float64Array(n);
  let mean = 0, m2 = 0; // Welford
  for (let r = 0; r < replicates; r++) {
    resampleInto(samples, resample, rng);
    const v = stat(resample);
    if (!Number.isFinite(v)) throw new RangeError(`bootstrap: the statistic returned ${v} on a resample`);
    const delta = v - mean;
    mean += delta / (r + 1);
    m2 += delta * (v - mean);
  }
  return Math.sqrt(m2 / (replicates - 1));
}
