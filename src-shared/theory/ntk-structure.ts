// Label-awareness of an NTK Gram matrix (Seleznova & Kutyniok 2022, §4.2, eq. 23) and the class-sorted order of Fig.
// 4's heat maps.
//
//   Θd = (1/|X|) Σ_{x∈X} Θ(x,x)                                                   mean diagonal value
//   Θc = (1/K) Σ_k 1/(|X_k|(|X_k|−1)) Σ_{x_i≠x_j ∈ X_k} Θ(x_i,x_j)                 same class, off-diagonal
//   Θn = (1/K) Σ_k 1/(|X_k|(|X|−|X_k|)) Σ_{x_i∈X_k, x_j∉X_k} Θ(x_i,x_j)            different classes
//
// As printed: signed values (no absolute values), no normalization inside the definitions; Fig. 4 plots the ratios
// Θc/Θd and Θn/Θd. Θc excludes the diagonal (x_i ≠ x_j), unlike a plain block mean. K counts the classes present.
// For a PSD kernel with equal class sizes, |Θc| ≤ Θd and |Θn| ≤ Θd (|Θ_ij| ≤ (Θ_ii + Θ_jj)/2 averaged over the pairs).

export interface NtkStructure {
  thetaD: number;
  thetaC: number;
  thetaN: number;
  /** Number of classes present (K in eq. 23). */
  classes: number;
}

type Matrix = ArrayLike<number>;

function checkShape(kernel: Matrix, labels: ArrayLike<number>): number {
  const k = labels.length;
  if (k < 1) throw new RangeError('NTK structure: need at least one sample');
  if (kernel.length !== k * k) {
    throw new RangeError(
      `NTK structure: kernel has ${kernel.length} entries, expected ${k}×${k} = ${k * k} for ${k} labels`,
    );
  }
  for (let i = 0; i < k; i++) {
    const c = labels[i];
    if (!Number.isInteger(c) || c < 0)
      throw new RangeError(`NTK structure: label ${i} is ${c}, expected an integer ≥ 0`);
  }
  return k;
}

/** Θd, Θc, Θn of eq. (23) for a row-major k×k kernel and integer class labels (any order). */
export function ntkStructure(kernel: Matrix, labels: ArrayLike<number>): NtkStructure {
  const k = checkShape(kernel, labels);
  for (let i = 0; i < k * k; i++) {
    if (!Number.isFinite(kernel[i]))
      throw new RangeError(`NTK structure: kernel entry (${Math.floor(i / k)}, ${i % k}) is not finite (${kernel[i]})`);
  }
  const members = new Map<number, number[]>();
  for (let i = 0; i < k; i++) {
    const list = members.get(labels[i]);
    if (list) list.push(i);
    else members.set(labels[i], [i]);
  }
  const K = members.size;
  if (K < 2) throw new RangeError('NTK structure: Θn needs at least two classes');
  let diag = 0;
  for (let i = 0; i < k; i++) diag += kernel[i * k + i];
  let sumC = 0;
  let sumN = 0;
  for (const [cls, idx] of members) {
    const nk = idx.length;
    if (nk < 2) throw new RangeError(`NTK structure: class ${cls} has one sample; Θc needs at least two per class`);
    let same = 0;
    let other = 0;
    for (const i of idx) {
      const row = i * k;
      for (let j = 0; j < k; j++) {
        if (labels[j] === cls) {
          if (j !== i) same += kernel[row + j];
        } else {
          other += kernel[row + j];
        }
      }
    }
    sumC += same / (nk * (nk - 1));
    sumN += other / (nk * (k - nk));
  }
  return { thetaD: diag / k, thetaC: sumC / K, thetaN: sumN / K, classes: K };
}

/** Permutation that sorts samples by class (stable: ties keep their order), as in Fig. 4's blocks of 10. */
export function classSortedOrder(labels: ArrayLike<number>): number[] {
  const order = Array.from({ length: labels.length }, (_, i) => i);
  return order.sort((a, b) => labels[a] - labels[b] || a - b);
}

/** K[order[i], order[j]] as a new row-major Float32Array (what the heat map draws). */
export function permuteKernel(kernel: Matrix, order: readonly number[]): Float32Array<ArrayBuffer> {
  const k = order.length;
  if (kernel.length !== k * k)
    throw new RangeError(`permuteKernel: kernel has ${kernel.length} entries, expected ${k * k}`);
  const out = new Float32Array(k * k);
  for (let i = 0; i < k; i++) {
    const row = order[i] * k;
    for (let j = 0; j < k; j++) out[i * k + j] = kernel[row + order[j]];
  }
  return out;
}
