// The frame and the two axes that the D3 plots share: a frame rectangle, a bottom and a left axis (d3's ticks, or
// explicit values with labels such as logTicks gives), and the axis titles (plain or math text).
import { axisBottom, axisLeft, select, type Axis, type AxisScale, type BaseType, type Selection } from 'd3';
import { setMathText } from './svg-text';
import { logTicks, type LogTicks } from './ticks';

/** Pixel coordinates of the frame's edges. */
export interface FrameBox {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface AxisSpec {
  scale: AxisScale<number>;
  /** d3's ticks(count), or explicit tick values with their labels ('' leaves a minor tick unlabelled). */
  ticks: number | LogTicks;
  title?: string;
  /** Distance of the title from the frame edge in px (default 28 below the x axis, 40 left of the y axis). */
  titleOffset?: number;
  /** Typeset the title with setMathText at this font size (σ_w², subscripts) instead of plain text. */
  mathSize?: number;
}

type G = Selection<SVGGElement, unknown, null, undefined>;

/** logTicks over a log scale's domain, with at most `maxLabels` labels. */
export function logAxisTicks(scale: { domain(): number[] }, maxLabels: number): LogTicks {
  const [lo, hi] = scale.domain();
  return logTicks(lo, hi, maxLabels);
}

function configured(axis: Axis<number>, ticks: number | LogTicks): Axis<number> {
  if (typeof ticks === 'number') return axis.ticks(ticks).tickSizeOuter(0);
  return axis
    .tickValues(ticks.values)
    .tickFormat((_, k) => ticks.labels[k])
    .tickSizeOuter(0);
}

/** Draws the frame, the bottom (x) and left (y) axes and their titles into g. */
export function drawFrame(g: G, box: FrameBox, x: AxisSpec, y: AxisSpec): void {
  g.append('rect')
    .attr('class', 'frame')
    .attr('x', box.left)
    .attr('y', box.top)
    .attr('width', Math.max(0, box.right - box.left))
    .attr('height', Math.max(0, box.bottom - box.top))
    .attr('fill', 'none');
  g.append('g')
    .attr('class', 'axis')
    .attr('transform', `translate(0,${box.bottom})`)
    .call(configured(axisBottom(x.scale), x.ticks));
  g.append('g')
    .attr('class', 'axis')
    .attr('transform', `translate(${box.left},0)`)
    .call(configured(axisLeft(y.scale), y.ticks));
  const title = (spec: AxisSpec, node: Selection<SVGTextElement, unknown, null, undefined>): void => {
    if (!spec.title) return;
    if (spec.mathSize !== undefined) setMathText(node, spec.title, spec.mathSize);
    else node.text(spec.title);
  };
  if (x.title)
    title(
      x,
      g
        .append('text')
        .attr('class', 'axis-title')
        .attr('x', (box.left + box.right) / 2)
        .attr('y', box.bottom + (x.titleOffset ?? 28))
        .attr('text-anchor', 'middle'),
    );
  if (y.title)
    title(
      y,
      g
        .append('text')
        .attr('class', 'axis-title')
        .attr('transform', `translate(${box.left - (y.titleOffset ?? 40)},${(box.top + box.bottom) / 2}) rotate(-90)`)
        .attr('text-anchor', 'middle'),
    );
}

/** The titles each frame drawn by updateFrame carries: other titles rebuild it. */
const frameTitles = new WeakMap<SVGGElement, string>();

/** What an axis drawn by updateFrame last showed: its ticks depend on nothing else. */
const axisShown = new WeakMap<SVGGElement, string>();

/**
 * Whether the axis in `node` would change: the scale's domain, range and tick values (a log and a linear scale over
 * one domain differ there), the tick spec and the offset. Records the new state. Skipping an unchanged axis spares
 * d3's tick join — dozens of attribute writes and a layout — on most frames of a drag.
 */
function axisChanged(node: SVGGElement, spec: AxisSpec, offset: number): boolean {
  const scale = spec.scale as AxisScale<number> & { ticks?: (n: number) => number[] };
  const tickValues = typeof spec.ticks === 'number' ? scale.ticks?.(spec.ticks) : spec.ticks;
  const key = JSON.stringify([offset, scale.domain(), scale.range(), tickValues]);
  if (axisShown.get(node) === key) return false;
  axisShown.set(node, key);
  return true;
}

/**
 * drawFrame for a plot that redraws often (a slice during a drag): the first call draws into the empty g, later ones
 * move the frame and let d3's axis join update the ticks in place (ticks that stay are moved, not rebuilt), so a new
 * domain costs a few attribute writes instead of a new subtree. Titles are rebuilt only when they change.
 */
export function updateFrame(g: G, box: FrameBox, x: AxisSpec, y: AxisSpec): void {
  const node = g.node();
  const titles = JSON.stringify([x.title, x.titleOffset, x.mathSize, y.title, y.titleOffset, y.mathSize]);
  const axes = g.selectChildren<SVGGElement, unknown>('g.axis');
  if (!node || frameTitles.get(node) !== titles || axes.size() !== 2) {
    g.selectAll('*').remove();
    drawFrame(g, box, x, y);
    if (node) frameTitles.set(node, titles);
    return;
  }
  g.selectChild('rect.frame')
    .attr('x', box.left)
    .attr('y', box.top)
    .attr('width', Math.max(0, box.right - box.left))
    .attr('height', Math.max(0, box.bottom - box.top));
  const [gx, gy] = axes.nodes();
  if (axisChanged(gx, x, box.bottom))
    select(gx)
      .attr('transform', `translate(0,${box.bottom})`)
      .call(configured(axisBottom(x.scale), x.ticks));
  if (axisChanged(gy, y, box.left))
    select(gy)
      .attr('transform', `translate(${box.left},0)`)
      .call(configured(axisLeft(y.scale), y.ticks));
  const [tx, ty] = [x.title ? 0 : -1, x.title ? 1 : 0];
  const texts = g.selectChildren<SVGTextElement, unknown>('text.axis-title').nodes();
  if (tx >= 0 && texts[tx])
    select(texts[tx])
      .attr('x', (box.left + box.right) / 2)
      .attr('y', box.bottom + (x.titleOffset ?? 28));
  if (y.title && texts[ty])
    select(texts[ty]).attr(
      'transform',
      `translate(${box.left - (y.titleOffset ?? 40)},${(box.top + box.bottom) / 2}) rotate(-90)`,
    );
}

/**
 * A ±SE bar in `g`: the line from `top` to `bottom` at `px` and a cap of half-width `cap` at each end, each a
 * line of class "bar" (stroked with `stroke` when given, else by the stylesheet).
 */
export function errorBar(g: G, px: number, top: number, bottom: number, cap: number, stroke?: string): void {
  const lines = errorBarLines(g).map((l) => (stroke === undefined ? l : l.attr('stroke', stroke)).node()!);
  placeErrorBar(lines, px, top, bottom, cap);
}

/** Appends to each element of `g` the three lines of an error bar, unplaced: the bar, then the top and bottom caps. */
export function errorBarLines<D, P extends BaseType, PD>(
  g: Selection<SVGGElement, D, P, PD>,
): Selection<SVGLineElement, D, P, PD>[] {
  return [0, 1, 2].map(() => g.append('line').attr('class', 'bar'));
}

/**
 * Moves the three lines of an error bar (errorBar's or errorBarLines': the bar, then the top and bottom caps) to a new
 * place.
 */
export function placeErrorBar(
  lines: ArrayLike<SVGLineElement>,
  px: number,
  top: number,
  bottom: number,
  cap: number,
): void {
  const ends: [number, number, number, number][] = [
    [px, px, top, bottom],
    [px - cap, px + cap, top, top],
    [px - cap, px + cap, bottom, bottom],
  ];
  ends.forEach(([x1, x2, y1, y2], k) => {
    const l = lines[k];
    l.setAttribute('x1', String(x1));
    l.setAttribute('x2', String(x2));
    l.setAttribute('y1', String(y1));
    l.setAttribute('y2', String(y2));
  });
}
