// Neural-collapse read-outs of a real network (Seleznova et al. 2023, Neural (Tangent Kernel) Collapse; Seleznova 2024
// thesis §3.3 and App. C), from its per-output kernels and its last-layer features:
//   block averages (γ_d, γ_c, γ_n) of Θ_kk and (κ_d, κ_c, κ_n) of Θ^h_kk (Def. 3.1, Assumption 3.2), averaged over
//   the outputs k (features k for Θ^h): diagonal, same class off the diagonal, different classes — the label-awareness
//   averages of Seleznova & Kutyniok 2022, eq. (23), which are linear in the kernel, so the average over k is that of
//   the traced kernel Σ_k Θ_kk divided by the count;
//   the kernel–target alignment A(K, YᵀY) of the traced kernel (thesis eq. 2.63);
//   NC1–NC3, ‖H₂‖, the residual split and the invariant E of eq. (26) with the measured κ, as the simulator computes
//   them (metrics.ts), on features h(x) (n × N, samples sorted by class) and the classifier (W, b).
import { ntkStructure } from '../ntk-structure';
import { blockEigen, invariant, stateLayout, type BlockKernel } from './block-dynamics';
import { collapseMetrics, type CollapseMetrics } from './metrics';

/** Block averages of Def. 3.1: d diagonal, c same class (i ≠ j), n different classes. */
export interface BlockAverages {
  d: number;
  c: number;
  n: number;
}

/** Block averages of a kernel summed over `count` outputs (the mean per output), row-major N×N, any label order. */
export function blockAverages(tracedKernel: ArrayLike<number>, labels: ArrayLike<number>, count = 1): BlockAverages {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be an integer ≥ 1 (got ${count})`);
  const s = ntkStructure(tracedKernel, labels);
  return { d: s.thetaD / count, c: s.thetaC / count, n: s.thetaN / count };
}

/**
 * Kernel–target alignment A(K, YᵀY) = ⟨K, YᵀY⟩_F / (‖K‖_F ‖YᵀY‖_F) (thesis eq. 2.63), YᵀY_ij = 1 when samples i and
 * j share a class. 1 when K is a positive multiple of YᵀY.
 */
export function labelAlignment(kernel: ArrayLike<number>, labels: ArrayLike<number>): number {
  const N = labels.length;
  if (kernel.length !== N * N) throw new RangeError(`kernel has ${kernel.length} entries, expected ${N}×${N}`);
  let dot = 0,
    kk = 0,
    yy = 0;
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) {
      const v = kernel[i * N + j];
      kk += v * v;
      if (labels[i] === labels[j]) {
        dot += v;
        yy += 1;
      }
    }
  return dot / Math.sqrt(kk * yy);
}

export interface NetworkCollapse extends Omit<CollapseMetrics, 'invariantAlignment'> {
  /** Frobenius cosine of (1/m)WᵀW and the invariant's feature term (eq. 26 with the measured κ); null when the
   * measured κ are not block-structured (μ_single ≤ 0 or μ_class ≤ 0: the invariant is not defined). */
  invariantAlignment: number | null;
  /** ‖E‖_F / ‖(1/m)WᵀW‖_F, E of eq. (26); null as invariantAlignment. */
  invariantRelative: number | null;
}

/**
 * NC metrics of features H (n × N row-major, column i = h(x_i), samples sorted by class, m = N/C per class),
 * classifier W (C × n row-major) and bias b (C), with the feature kernel's block averages κ for the invariant.
 */
export function networkCollapse(
  H: ArrayLike<number>,
  W: ArrayLike<number>,
  b: ArrayLike<number>,
  sizes: { classes: number; perClass: number; features: number },
  kappa: BlockKernel,
): NetworkCollapse {
  const L = stateLayout(sizes);
  if (H.length !== L.n * L.N) throw new RangeError(`features: ${H.length} values, expected n·N = ${L.n * L.N}`);
  if (W.length !== L.C * L.n) throw new RangeError(`W: ${W.length} values, expected C·n = ${L.C * L.n}`);
  if (b.length !== L.C) throw new RangeError(`b: ${b.length} values, expected C = ${L.C}`);
  const y = new Float64Array(L.size);
  y.set(Array.from(H), 0);
  y.set(Array.from(W), L.wAt);
  y.set(Array.from(b), L.bAt);
  const eig = blockEigen(kappa, sizes);
  const blockStructured = eig.single > 0 && eig.class > 0 && eig.alpha >= 0;
  const m = collapseMetrics(y, eig, L);
  if (!blockStructured) return { ...m, invariantAlignment: null, invariantRelative: null };
  const E = invariant(y, eig, L);
  let e2 = 0,
    w2 = 0;
  for (let f = 0; f < L.n; f++)
    for (let g = 0; g < L.n; g++) {
      let v = 0;
      for (let c = 0; c < L.C; c++) v += y[L.wAt + c * L.n + f] * y[L.wAt + c * L.n + g];
      w2 += (v / L.m) ** 2;
      e2 += E[f * L.n + g] ** 2;
    }
  return { ...m, invariantRelative: Math.sqrt(e2 / w2) };
}
