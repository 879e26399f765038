// Heavy-tail diagnostic for Θ samples: the share of Σθ² carried by the largest `fraction` of samples (by |θ|).
// For light tails it stays near the fraction itself (a few times 0.01 for 1 %); near 1 means a handful of networks
// dominate the second moment and any dispersion estimate from this sample is unreliable (THEORY.md, heavy tails).

/** Σ of the k = max(1, round(fraction·N)) largest θ² over Σθ²; O(N) expected (quickselect). */
export function topShareOfSquares(samples: ArrayLike<number>, fraction = 0.01): number {
  const n = samples.length;
  if (n < 1) throw new RangeError('tail share needs at least one sample');
  if (!(fraction > 0 && fraction <= 1))
    throw new RangeError(`tail share: fraction must lie in (0, 1] (got ${fraction})`);
  let scale = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(samples[i]);
    if (!Number.isFinite(a)) throw new RangeError(`tail share: sample ${i} is not a finite number (${samples[i]})`);
    if (a > scale) scale = a;
  }
  if (scale === 0) throw new RangeError('tail share: all samples are 0');
  const sq = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const t = samples[i] / scale; // scaled so the squares cannot overflow
    sq[i] = t * t;
    total += sq[i];
  }
  const k = Math.max(1, Math.round(fraction * n));
  selectKthSmallest(sq, n - k); // now sq[n−k..n−1] hold the k largest
  let top = 0;
  for (let i = n - k; i < n; i++) top += sq[i];
  return top / total;
}

/** Rearranges a so that a[k] is the k-th smallest, a[<k] ≤ a[k] ≤ a[>k] (Hoare quickselect, median-of-three). */
function selectKthSmallest(a: Float64Array, k: number): void {
  let lo = 0,
    hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // median of three as pivot
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    const pivot = a[mid];
    let i = lo,
      j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
