// Colours of a paper figure's series (FigurePlot.svelte): one per σ_w² group, by phase.
import { interpolateHcl } from 'd3';
import type { PresetSeries } from '../../src-shared/presets';

/** Lines that belong to no single σ_w² group (bounds, shared theory curves). */
export const NEUTRAL = '#6b7280';
/** One colour per σ_w² group: ordered blue → teal, chaotic orange → red, the edge of chaos black. */
export function groupColours(series: readonly PresetSeries[]): Map<string, string> {
  const groups = new Map<string, PresetSeries>();
  for (const s of series) if (!groups.has(s.group)) groups.set(s.group, s);
  const list = [...groups.values()];
  const ordered = list.filter((s) => s.phase === 'ordered').sort((a, b) => a.sigmaW2 - b.sigmaW2);
  const chaotic = list.filter((s) => s.phase === 'chaotic').sort((a, b) => a.sigmaW2 - b.sigmaW2);
  const out = new Map<string, string>();
  const spread = (items: PresetSeries[], from: string, to: string) =>
    items.forEach((s, k) =>
      out.set(s.group, interpolateHcl(from, to)(items.length === 1 ? 0 : k / (items.length - 1))),
    );
  spread(ordered, '#1f3f99', '#1a9a8a');
  spread(chaotic, '#e58a00', '#b2182b');
  for (const s of list) if (s.phase === 'edge-of-chaos') out.set(s.group, '#111111');
  return out;
}
