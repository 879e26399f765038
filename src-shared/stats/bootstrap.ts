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

function checkBootstrap(n: number, replicates: number): void {
  if (n < 1) throw new RangeError('bootstrap needs at least one sample');
  if (n > 2 ** 21) throw new RangeError(`bootstrap: at most ${2 ** 21} samples (got ${n})`); // index = ⌊u32·N/2³²⌋ stays exact
  if (!Number.isInteger(replicates) || replicates < 1)
    throw new RangeError(`bootstrap needs an integer number of replicates ≥ 1 (got ${replicates})`);
}

/**
 * The statistic on `replicates` bootstrap resamples drawn from rng, in draw order (one resample buffer is reused).
 * Replicate sets drawn from separate streams can be computed anywhere and concatenated (a chunked bootstrap).
 */
export function bootstrapReplicates(
  samples: ArrayLike<number>,
  stat: (s: Float64Array) => number,
  replicates: number,
  rng: Rng,
): Float64Array {
  const n = samples.length;
  checkBootstrap(n, replicates);
  const resample = new Float64Array(n);
  const values = new Float64Array(replicates);
  for (let r = 0; r < replicates; r++) {
    resampleInto(samples, resample, rng);
    const v = stat(resample);
    if (!Number.isFinite(v)) throw new RangeError(`bootstrap: the statistic returned ${v} on a resample`);
    values[r] = v;
  }
  return values;
}

/** Sample standard deviation of ≥ 2 replicate values (Welford, in order), the bootstrap SE. */
export function stderrOfReplicates(values: ArrayLike<number>): number {
  const R = values.length;
  if (R < 2) throw new RangeError(`bootstrap needs at least 2 replicates (got ${R})`);
  let mean = 0,
    m2 = 0; // Welford
  for (let r = 0; r < R; r++) {
    const v = values[r];
    if (!Number.isFinite(v)) throw new RangeError(`bootstrap: replicate ${r} is not a finite number (${v})`);
    const delta = v - mean;
    mean += delta / (r + 1);
    m2 += delta * (v - mean);
  }
  if (Number.isFinite(m2)) return Math.sqrt(m2 / (R - 1));
  // replicates near float64's limit (squares overflow): the same, on values divided by the largest |value|
  let scale = 0;
  for (let r = 0; r < R; r++) scale = Math.max(scale, Math.abs(values[r]));
  const scaled = Float64Array.from(values, (v) => v / scale);
  return scale * stderrOfReplicates(scaled);
}

/** Standard deviation of stat over `replicates` (≥ 2) bootstrap resamples drawn from one rng. */
export function bootstrapStderr(
  samples: ArrayLike<number>,
  stat: (s: Float64Array) => number,
  replicates: number,
  rng: Rng,
): number {
  if (!Number.isInteger(replicates) || replicates < 2)
    throw new RangeError(`bootstrap needs an integer number of replicates ≥ 2 (got ${replicates})`);
  return stderrOfReplicates(bootstrapReplicates(samples, stat, replicates, rng));
}
