// The presets added from Seleznova & Kutyniok 2022 App. B (Figs. 5, 6) and Seleznova 2024 (thesis), §3.2 (the
// component view), and their theory lines: Thm 3.2 (solid) and the exact finite-width moments (dotted, kind 'alt')
// at every depth.
// The profile changes with L (every n_ℓ depends on L), so each depth is its own O(L) evaluation: O(L²) per line.
import {
  depthsAt,
  fmtNum,
  LAMBDA_DENSE,
  PAPER_SAMPLES,
  panel,
  sigmaSeries,
  type ComponentShareKey,
  type PresetDefinition,
  type PresetPanel,
  type PresetSeries,
  type TheoryCurve,
  type WidthProfile,
} from './presets-model';
import {
  componentShares,
  reluExactComponentMoments,
  reluExactMoments,
  reluFiniteComponentMoments,
  reluFiniteMoments,
} from './theory';

/**
 * [n₀, …, n_{L−1}] of a Fig. 6 profile at depth L (App. B.2): n_ℓ = M₁ + ⌈ℓ(M₂ − M₁)/L⌉ (increasing),
 * ⌈(M₁ + M₂)/2⌉ (constant), M₂ + ⌈ℓ(M₁ − M₂)/L⌉ (decreasing). n_L = 1 is the scalar output (Thm 3.2).
 */
export function profileWidths(profile: WidthProfile, L: number): number[] {
  const { kind, m1, m2 } = profile;
  if (!Number.isInteger(L) || L < 1) throw new RangeError(`depth L must be an integer ≥ 1, got ${String(L)}`);
  if (!(Number.isInteger(m1) && Number.isInteger(m2) && m1 >= 1 && m2 >= 1))
    throw new RangeError(`M₁ and M₂ must be integers ≥ 1, got ${String(m1)}, ${String(m2)}`);
  return Array.from({ length: L }, (_, l) => {
    if (kind === 'constant') return Math.ceil((m1 + m2) / 2);
    return kind === 'increasing' ? m1 + Math.ceil((l * (m2 - m1)) / L) : m2 + Math.ceil((l * (m1 - m2)) / L);
  });
}

const depthRange = (max: number) => Array.from({ length: max }, (_, k) => k + 1);

/** Fig. 6: Thm 3.2 (solid) and exact (dotted) dispersion of the panel's profile at every depth 1 … maxDepth. */
export function profileCurves(series: readonly PresetSeries[], p: PresetPanel, maxDepth: number): TheoryCurve[] {
  const profile = p.profile;
  if (!profile) throw new RangeError(`panel ${p.id} has no width profile`);
  const xs = depthRange(maxDepth);
  const out: TheoryCurve[] = [];
  for (const s of series) {
    const thm: number[] = [],
      exact: number[] = [];
    for (const L of xs) {
      const w = profileWidths(profile, L);
      thm.push(reluFiniteMoments(s.sigmaW2, w).dispersion);
      exact.push(reluExactMoments(s.sigmaW2, w).dispersion);
    }
    const base = { panelId: p.id, seriesIds: [s.id], xs };
    out.push({
      ...base,
      id: `${p.id}/thm32-${s.id}`,
      label: `Thm 3.2, σ_w² = ${fmtNum(s.sigmaW2)}`,
      kind: 'theory',
      ys: thm,
    });
    out.push({
      ...base,
      id: `${p.id}/exact-${s.id}`,
      label: `exact, σ_w² = ${fmtNum(s.sigmaW2)}`,
      kind: 'alt',
      ys: exact,
    });
  }
  return out;
}

/** Components: the panel's share from Thm 3.2 (solid) and the exact moments (dotted), constant width. */
export function componentCurves(series: readonly PresetSeries[], p: PresetPanel, maxDepth: number): TheoryCurve[] {
  const key = p.component;
  if (!key) throw new RangeError(`panel ${p.id} names no component`);
  const xs = depthRange(maxDepth);
  const out: TheoryCurve[] = [];
  for (const s of series) {
    const widths = [p.inputDim];
    const thm: number[] = [],
      exact: number[] = [];
    for (let L = 1; L <= maxDepth; L++) {
      if (L > 1) widths.push(p.width);
      thm.push(componentShares(reluFiniteComponentMoments(s.sigmaW2, widths))[key]);
      exact.push(componentShares(reluExactComponentMoments(s.sigmaW2, widths))[key]);
    }
    const base = { panelId: p.id, seriesIds: [s.id], xs };
    out.push({
      ...base,
      id: `${p.id}/thm32-${s.id}`,
      label: `Thm 3.2, σ_w² = ${fmtNum(s.sigmaW2)}`,
      kind: 'theory',
      ys: thm,
    });
    out.push({
      ...base,
      id: `${p.id}/exact-${s.id}`,
      label: `exact, σ_w² = ${fmtNum(s.sigmaW2)}`,
      kind: 'alt',
      ys: exact,
    });
  }
  return out;
}

const ALPHA0_FIG5 = [1, 0.7, 0.5, 0.3, 0.1];
const FIG6_M1 = 100;
const FIG6_M2 = 500;
const COMPONENT_PANELS: readonly [ComponentShareKey, string][] = [
  ['meanW', 'E[Θ_W] / E[Θ]'],
  ['secondW', 'E[Θ_W²] / E[Θ²]'],
  ['secondB', 'E[Θ_b²] / E[Θ²]'],
  ['secondWB', '2E[Θ_WΘ_b] / E[Θ²]'],
];

/** Figs. 5, 6 and the components view (appended to PRESETS after Fig. 8). */
export const EXTRA_PRESETS: readonly PresetDefinition[] = [
  {
    id: 'fig5',
    figure: 'Fig. 5',
    title: 'Limit dispersion at the EOC vs the input dimension α₀ = n₀/M (theory only)',
    quantity: 'dispersion',
    yLabel: 'E[Θ²(x,x)] / E[Θ(x,x)]²  (M, L → ∞)',
    yScale: 'log',
    xLabel: 'depth L at M = 100 (λ = L/M)',
    panels: [
      { id: 'limit', label: 'Thm 3.1, λ = L/M ∈ [0.01, 1]', width: 100, alpha0: 1, inputDim: 100, depths: [100] },
    ],
    series: [
      ...ALPHA0_FIG5.map((a0, k) => ({
        id: `a${fmtNum(a0)}`,
        label: `EOC, α₀ = ${fmtNum(a0)}`,
        sigmaW2: 2,
        phase: 'edge-of-chaos' as const,
        group: 'eoc',
        groupLabel: 'σ_w² = 2 (EOC), eq. (9)',
        shade: 0.25 + (0.75 * (ALPHA0_FIG5.length - 1 - k)) / (ALPHA0_FIG5.length - 1),
        alpha0: a0,
      })),
      ...sigmaSeries([2.5]).map((s) => ({ ...s, groupLabel: 'chaotic, eq. (8) (any σ_w² > 2, any α₀)' })),
    ],
    sampler: 'exact-diagonal',
    defaultSamples: PAPER_SAMPLES,
    theoryOnly: true,
    legendNote: `lighter → darker: α₀ = ${ALPHA0_FIG5.join(', ')}`,
    theory:
      'Thm 3.1 limit: eq. (9) at the EOC for each α₀, eq. (8) in the chaotic phase (α₀-independent; the EOC curve tends to it as α₀ → 0, Remark 1)',
    paper:
      'Theory only (App. B.1): limit curves of Thm 3.1, black = chaotic (uppermost), EOC for α₀ from 1 (yellow) to 0.1 (violet); ' +
      'the intermediate α₀ values and the λ range are not stated.',
    notes:
      `Ours: α₀ ∈ {${ALPHA0_FIG5.join(', ')}} (our choice of the steps between 1 and 0.1), λ = L/M from 0.01 to 1 (drawn as L at ` +
      'M = 100); grey shades instead of the paper’s yellow → violet. No measurements: Figs. 2 and 8 measure α₀ at finite width.',
  },
  {
    id: 'fig6',
    figure: 'Fig. 6',
    title: 'Thm 3.2 dispersion for increasing, constant and decreasing width profiles',
    quantity: 'dispersion',
    yLabel: 'E[Θ²(x,x)] / E[Θ(x,x)]²',
    yScale: 'log',
    xLabel: 'depth L (λ = 2L/(M₁ + M₂))',
    panels: (['increasing', 'constant', 'decreasing'] as const).map((kind) => {
      const profile: WidthProfile = { kind, m1: FIG6_M1, m2: FIG6_M2 };
      const n0 = profileWidths(profile, 2)[0];
      const mean = Math.ceil((FIG6_M1 + FIG6_M2) / 2);
      return {
        id: kind,
        label: `${kind} (n₀ = ${n0})`,
        width: mean,
        alpha0: n0 / mean,
        inputDim: n0,
        depths: depthsAt(mean, LAMBDA_DENSE),
        profile,
      };
    }),
    series: sigmaSeries([1.5, 1.9, 2.0, 2.1, 2.5]),
    sampler: 'exact-diagonal',
    defaultSamples: 10_000,
    theory: 'Thm 3.2 for the whole profile at each depth (proof-consistent eq. 13), one line per σ_w²',
    altTheory: 'exact finite-width moments (dotted)',
    paper:
      `App. B.2: n_ℓ = M₁ + ⌈ℓ(M₂ − M₁)/L⌉ (increasing), ⌈(M₁ + M₂)/2⌉ (constant), M₂ + ⌈ℓ(M₁ − M₂)/L⌉ (decreasing), ` +
      `0 ≤ ℓ ≤ L, M₁ = ${FIG6_M1}, M₂ = ${FIG6_M2} fixed as L grows, λ = 2L/(M₁ + M₂); Thm 3.2 only (no measurements). ` +
      'The σ_w² values and the depth range are not stated.',
    notes:
      'Ours: σ_w² ∈ {1.5, 1.9, 2.0, 2.1, 2.5}; n_ℓ for ℓ = 0 … L − 1 (n_L = 1 is the scalar output, as in Thm 3.2); ' +
      'L = 2 and λ = 0.05 … 0.5 (11 depths, L ≤ 150); measured points (N = 10⁴, exact O(L) sampler with the profile) ' +
      'and the exact finite-width moments (dotted) added to the paper’s Thm 3.2 lines. What the lines show (Thm 3.2, L = 150): ' +
      'in the ordered phase (σ_w² = 1.9) the increasing profile peaks at shallow depth (1.25 at L = 30) and then falls ' +
      '(1.11), the decreasing one only rises (1.26 → 1.54), as the paper says; at the EOC and in the chaotic phase the ' +
      'increasing profile is NOT the lowest (EOC: 7.5 increasing, 3.8 constant, 6.7 decreasing): its n₀ = 100 is small ' +
      'next to its later widths, the α₀ effect of Fig. 2.',
  },
  {
    id: 'components',
    figure: 'Components',
    title: 'Θ_W vs Θ_b: shares of the weight and bias parts of the NTK',
    quantity: 'componentShare',
    yLabel: 'share',
    yScale: 'linear',
    xLabel: 'depth L',
    panels: COMPONENT_PANELS.map(([component, label]) => ({
      ...panel(component, label, 100, 1, LAMBDA_DENSE),
      component,
    })),
    series: sigmaSeries([1.5, 2.0, 2.5]),
    sampler: 'exact-diagonal',
    defaultSamples: 10_000,
    theory:
      'Thm 3.2 component moments (eqs. 11–15, eq. 13 proof-consistent) as shares: E[Θ_W]/E[Θ], E[Θ_W²]/E[Θ²], ' +
      'E[Θ_b²]/E[Θ²], 2E[Θ_WΘ_b]/E[Θ²]',
    altTheory: 'exact finite-width component moments (dotted)',
    paper:
      'Seleznova 2024 (thesis), §3.2 (Lemmas A.5–A.7, eqs. 31–37): Θ = Θ_W + Θ_b; in the chaotic phase Θ_W dominates ' +
      '(E[Θ_WΘ_b]/E[Θ_W]² → 0), in the ordered phase Θ_b (E[Θ_WΘ_b]/E[Θ_b]² → 0). Stated as limits; no figure, so the ' +
      'widths, depths, σ_w² and N are ours.',
    notes:
      'Ours: M = 100, α₀ = 1, σ_w² ∈ {1.5 (ordered), 2.0 (EOC), 2.5 (chaotic)}, L = 2 and λ = 0.05 … 0.5; N = 10⁴ per point ' +
      '(exact sampler, components mode: JavaScript, slower than the WebAssembly path of the other figures). Each panel ' +
      'measures its own networks (independent seeds), so the four shares of one depth do not come from the same sample. ' +
      'E[Θ_b]/E[Θ] = 1 − E[Θ_W]/E[Θ]; the three second-moment shares sum to 1. Shares are ratios of means with ' +
      'delta-method SEs; in the chaotic phase at λ → 0.5 the second moments are heavy-tailed and the SE understates. ' +
      'What the numbers show (exact, L = 50; measured N = 10⁴ agrees within 1.5 SE): chaotic σ_w² = 2.5 — Θ_W dominates, ' +
      'E[Θ_W]/E[Θ] = 0.909, E[Θ_W²]/E[Θ²] = 0.857; ordered σ_w² = 1.5 — Θ_b dominates, E[Θ_W]/E[Θ] ≈ 1e-5, ' +
      'E[Θ_b²]/E[Θ²] = 1.000 (already 0.987 at L = 25); EOC σ_w² = 2, α₀ = 1 — neither: E[Θ_W] = E[Θ_b] = L, second ' +
      'moments 0.445 (Θ_W²), 0.167 (Θ_b²), 0.388 (cross).',
  },
];
