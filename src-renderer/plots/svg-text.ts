// SVG text with σ_w² typeset (subscript w, superscript 2) through tspans, so exports keep it without CSS.
import type { Selection } from 'd3';

/** Fill a <text> with `text`, rendering each "σ_w²" as σ, a lowered small w and a raised small 2. */
export function setMathText(
  sel: Selection<SVGTextElement, unknown, null, undefined>,
  text: string,
  fontSize = 12,
): void {
  sel.text('');
  const small = Math.round(fontSize * 0.72);
  const down = Math.round(fontSize * 0.28);
  const up = Math.round(fontSize * 0.62);
  for (const part of text.split(/(σ_w²)/)) {
    if (part === '') continue;
    if (part !== 'σ_w²') {
      sel.append('tspan').text(part);
      continue;
    }
    sel.append('tspan').text('σ');
    sel.append('tspan').attr('dy', down).attr('font-size', small).text('w');
    sel.append('tspan').attr('dy', -up).attr('font-size', small).text('2');
    // back to the baseline for whatever follows
    sel
      .append('tspan')
      .attr('dy', up - down)
      .text('\u200b');
  }
}
