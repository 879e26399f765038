// Writing standalone SVG text for plots drawn on a <canvas> on screen (pure, no DOM): their exports get real <text>,
// paths and colour bars, and only the cells stay an embedded raster (pixelated), as the SVG-native plots do.

const XML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
export const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => XML[c]);

type Attrs = Record<string, string | number | undefined>;
const num = (v: number) => String(Math.round(v * 1000) / 1000);

function attrs(a: Attrs): string {
  let out = '';
  for (const [k, v] of Object.entries(a))
    if (v !== undefined) out += ` ${k}="${typeof v === 'number' ? num(v) : esc(v)}"`;
  return out;
}

export function el(tag: string, a: Attrs, children = ''): string {
  return children === '' ? `<${tag}${attrs(a)}/>` : `<${tag}${attrs(a)}>${children}</${tag}>`;
}

/** A <text> (font-size in px; the print layout sets it to the figure pt). `body` may hold tspans, escaped. */
export function text(x: number, y: number, body: string, a: Attrs = {}): string {
  return `<text${attrs({ x, y, ...a })}>${body}</text>`;
}

/** "σ_w² = v" as σ, a lowered small w and a raised small 2 (tspans), as setMathText typesets it in live plots. */
export function sigmaW2Text(value: string, fontSize: number): string {
  const small = Math.round(fontSize * 0.72);
  const down = Math.round(fontSize * 0.28);
  const up = Math.round(fontSize * 0.62);
  return (
    `σ<tspan dy="${down}" font-size="${small}">w</tspan><tspan dy="${-up}" font-size="${small}">2</tspan>` +
    `<tspan dy="${up - down}">${esc(` = ${value}`)}</tspan>`
  );
}

/** One raster of cells, drawn as sharp squares however it is scaled. */
export function cellImage(href: string, x: number, y: number, w: number, h: number, testid?: string): string {
  return el('image', {
    href,
    x,
    y,
    width: w,
    height: h,
    preserveAspectRatio: 'none',
    'image-rendering': 'optimizeSpeed',
    style: 'image-rendering:pixelated',
    'data-cells': testid,
  });
}

/** A horizontal colour ramp as an SVG gradient (stops sampled from a packed rgb table, left = index 0). */
export function lutGradient(id: string, lut: Uint8Array, stops = 17): string {
  const size = lut.length / 3;
  let body = '';
  for (let k = 0; k < stops; k++) {
    const i = 3 * Math.round((k / (stops - 1)) * (size - 1));
    body += el('stop', { offset: k / (stops - 1), 'stop-color': `rgb(${lut[i]},${lut[i + 1]},${lut[i + 2]})` });
  }
  return el('linearGradient', { id, x1: 0, y1: 0, x2: 1, y2: 0 }, body);
}

/** The document: root size in CSS px (printSvg lays it out at the figure style), a title and a white page. */
export function svgDocument(width: number, height: number, title: string, body: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" ` +
    `height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}" font-family="sans-serif">` +
    `<title>${esc(title)}</title><rect width="100%" height="100%" fill="#ffffff"/>${body}</svg>\n`
  );
}

// Advance widths of DejaVu Sans (its hmtx, in 1/1000 em) for printable ASCII and the symbols plots use: enough to
// lay a figure's labels out for print without a browser (an unknown character counts as a wide 0.8 em).
const ASCII_ADVANCE = [
  318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636, 636,
  636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863,
  748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635,
  615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636,
  337, 636, 838,
];
const SYMBOL_ADVANCE: Record<string, number> = {
  λ: 592,
  σ: 634,
  θ: 612,
  Θ: 787,
  β: 638,
  ρ: 635,
  ϑ: 619,
  '₀': 401,
  '₁': 401,
  '₂': 401,
  '²': 401,
  '−': 838,
  '×': 838,
  '·': 318,
  '…': 1000,
  '≈': 838,
  '±': 838,
};

/** Width of a one-line string set in DejaVu Sans, in em (no kerning). */
export function textWidthEm(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    w += c >= 32 && c < 127 ? ASCII_ADVANCE[c - 32] : (SYMBOL_ADVANCE[ch] ?? 800);
  }
  return w / 1000;
}
