// A paper figure's legend (FigurePlot): which items it has (σ_w² groups shown, what the error bars are, theory
// styles, notes), how they wrap into rows, and the D3 drawing inside the SVG so exports carry it.
import type { Selection } from 'd3';
import type { PresetDefinition, PresetSeries, TheoryCurve } from '../../src-shared/presets';
import { NEUTRAL } from './figure-colours';
import { setMathText } from './svg-text';

export type LegendItem =
  | { kind: 'group'; colour: string; text: string }
  | { kind: 'style'; style: 'measured' | 'theory' | 'neutral' | 'bound'; text: string }
  | { kind: 'note'; text: string };

export interface LegendInput {
  def: PresetDefinition;
  /** The curves drawn (those of hidden series left out). */
  curves: readonly TheoryCurve[];
  shownSeries: readonly PresetSeries[];
  colours: ReadonlyMap<string, string>;
  /** The measured points drawn, with their SE (NaN where none). */
  marks: readonly { stderr: number }[];
  curveColour: (c: TheoryCurve) => string;
}

export function legendItems({ def, curves, shownSeries, colours, marks, curveColour }: LegendInput): LegendItem[] {
  const items: LegendItem[] = [];
  const seen: string[] = [];
  for (const s of shownSeries) {
    if (seen.includes(s.group)) continue;
    seen.push(s.group);
    items.push({ kind: 'group', colour: colours.get(s.group) ?? NEUTRAL, text: s.groupLabel });
  }
  // what the bars are, from the marks drawn (the ratio's SE is the delta method's: same networks for both means)
  const withSe = marks.filter((m) => Number.isFinite(m.stderr) && m.stderr > 0).length;
  const se = def.quantity === 'offDiagonalRatio' ? '± SE (delta method)' : '± SE';
  const measured =
    marks.length > 0 && withSe === 0
      ? 'measured (no SE)'
      : withSe < marks.length
        ? `measured ${se} where known`
        : `measured ${se}`;
  items.push({ kind: 'style', style: 'measured', text: measured });
  const theory = curves.filter((c) => c.kind === 'theory');
  if (theory.some((c) => curveColour(c) !== NEUTRAL))
    items.push({ kind: 'style', style: 'theory', text: 'theory (solid)' });
  if (theory.some((c) => curveColour(c) === NEUTRAL))
    items.push({ kind: 'style', style: 'neutral', text: 'theory shared by several σ_w²' });
  if (curves.some((c) => c.kind === 'bound'))
    items.push({ kind: 'style', style: 'bound', text: 'Thm 3.3 band [1/4, 1]' });
  if (def.altTheory && curves.some((c) => c.kind === 'alt'))
    items.push({ kind: 'style', style: 'bound', text: def.altTheory });
  if (def.legendNote) items.push({ kind: 'note', text: def.legendNote });
  if (shownSeries.some((s) => s.pairCos !== undefined)) {
    const cos = [...new Set(shownSeries.map((s) => s.pairCos))].filter((c): c is number => c !== undefined);
    items.push({ kind: 'note', text: `lighter → darker: ⟨x⁰,x̃⁰⟩ = ${cos.join(', ')}` });
  }
  return items;
}

const itemW = (it: LegendItem) => (it.kind === 'note' ? 0 : 26) + 6.3 * it.text.length + 16;

/** Rows of items that fit `width` px (an item wider than the row gets a row of its own). */
export function legendRows(items: readonly LegendItem[], width: number): LegendItem[][] {
  const rows: LegendItem[][] = [[]];
  let used = 0;
  for (const it of items) {
    const w = itemW(it);
    if (used + w > width && rows[rows.length - 1].length > 0) {
      rows.push([]);
      used = 0;
    }
    rows[rows.length - 1].push(it);
    used += w;
  }
  return rows;
}

export function drawLegend(lg: Selection<SVGGElement, unknown, null, undefined>, rows: readonly LegendItem[][]): void {
  rows.forEach((row, r) => {
    let cx = 0;
    for (const it of row) {
      const item = lg.append('g').attr('transform', `translate(${cx},${r * 17})`);
      if (it.kind === 'group') {
        item
          .append('line')
          .attr('class', 'legend-dash')
          .attr('x1', 0)
          .attr('x2', 20)
          .attr('y1', 0)
          .attr('y2', 0)
          .attr('stroke', it.colour);
        item.append('circle').attr('r', 3).attr('cx', 10).attr('cy', 0).attr('fill', it.colour);
      } else if (it.kind === 'style') {
        const cls = it.style === 'measured' ? 'legend-dash' : it.style === 'bound' ? 'bound' : 'theory';
        const stroke = it.style === 'neutral' || it.style === 'bound' ? NEUTRAL : '#111111';
        item
          .append('line')
          .attr('class', cls)
          .attr('x1', 0)
          .attr('x2', 20)
          .attr('y1', 0)
          .attr('y2', 0)
          .attr('stroke', stroke);
        if (it.style === 'measured')
          item.append('circle').attr('r', 3).attr('cx', 10).attr('cy', 0).attr('fill', '#111111');
      }
      const text = item
        .append('text')
        .attr('class', 'legend-text')
        .attr('x', it.kind === 'note' ? 0 : 26)
        .attr('y', 4);
      setMathText(text, it.text, 11);
      cx += itemW(it);
    }
  });
}
