// Theory lines of the width-profile (Seleznova & Kutyniok 2022, App. B.2, Fig. 6) and components (Seleznova 2024
// (thesis), §3.2) presets: Thm 3.2 (solid) and the exact finite-width moments (dotted, kind 'alt') at every depth.
// The profile changes with L (every n_ℓ depends on L), so each depth is its own O(L) evaluation: O(L²) per line.
import type { PresetPanel, PresetSeries, TheoryCurve } from './presets';
import {
  componentShares,
  reluExactComponentMoments,
  reluExactMoments,
  reluFiniteComponentMoments,
  reluFiniteMoments,
} from './theory';

/** Fig. 6's width profiles: n_ℓ for 0 ≤ ℓ ≤ L − 1 from M₁ (first) and M₂ (second width). */
export interface WidthProfile {
  kind: 'increasing' | 'constant' | 'decreasing';
  m1: number;
  m2: number;
}

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

const fmtNum = (v: number) => String(Number(v.toFixed(4)));
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
