// "Outline" fonts for SVG exports: every <text> becomes paths of the DejaVu glyphs, so the file looks the same in any
// viewer and needs no font. The browser lays the text out (anchors, tspans, em shifts) with the same font loaded under
// a private family name; each character's start position comes from the SVG text DOM (getStartPositionOfChar) and
// its glyph from the font file (font-outline.ts). No kerning or ligatures on either side, so the two agree.
import { glyphOutlines, type GlyphOutlines } from './font-outline';
import { rasterSafeSvg, withPixelatedStyle } from './figure-style';
import { withOffscreen } from './offscreen';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Attributes of a <text> that only lay it out: not carried over to its paths. */
const LAYOUT = new Set([
  'x',
  'y',
  'dx',
  'dy',
  'rotate',
  'text-anchor',
  'dominant-baseline',
  'alignment-baseline',
  'baseline-shift',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'letter-spacing',
  'word-spacing',
  'textLength',
  'lengthAdjust',
  'xml:space',
]);

const faces = new Map<string, Promise<void>>();
const fonts = new WeakMap<Uint8Array, GlyphOutlines>();

/** The font under a family name of its own, loaded in this page for layout (once per session). */
function layoutFace(family: string, bytes: Uint8Array): Promise<void> {
  let ready = faces.get(family);
  if (!ready) {
    // a FontFace from bytes is not a fetch: the page's CSP (fonts from its own origin) is not involved
    const face = new FontFace(family, bytes.slice().buffer);
    ready = face.load().then((f) => void document.fonts.add(f));
    ready.catch(() => faces.delete(family));
    faces.set(family, ready);
  }
  return ready;
}

/** The characters a <text> addresses (SVG whitespace rules, xml:space default) and the element each sits in. */
function addressable(text: Element): { ch: string; el: Element }[] {
  const out: { ch: string; el: Element }[] = [];
  const walk = (node: Node) => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === Node.TEXT_NODE) {
        for (const ch of (child.nodeValue ?? '').replace(/[\n\r]/g, '').replace(/\t/g, ' ')) {
          if (ch === ' ' && (out.length === 0 || out[out.length - 1].ch === ' ')) continue;
          out.push({ ch, el: node as Element });
        }
      } else if (child.nodeType === Node.ELEMENT_NODE && (child as Element).localName === 'tspan') walk(child);
    }
  };
  walk(text);
  while (out.length > 0 && out[out.length - 1].ch === ' ') out.pop();
  return out;
}

/**
 * The printed SVG with every <text> replaced by a <g> of glyph paths (its transform, fill and stroke kept, the
 * string in aria-label); `family` names the font the paths are drawn from.
 */
export async function outlineSvgText(svg: string, fontBytes: Uint8Array, family: string): Promise<string> {
  let outlines = fonts.get(fontBytes);
  if (!outlines) {
    outlines = glyphOutlines(fontBytes);
    fonts.set(fontBytes, outlines);
  }
  const layoutFamily = `ntk-outline-${family.replace(/\W+/g, '-')}`;
  await layoutFace(layoutFamily, fontBytes);

  // parsed without inline style attributes (this page's CSP refuses them, even in a parsed document); the cell
  // rasters get theirs back as text at the end
  const safe = rasterSafeSvg(svg);
  const out = new DOMParser().parseFromString(safe, 'image/svg+xml');
  if (out.documentElement.nodeName !== 'svg') throw new Error('the SVG could not be parsed to outline its text');
  // a live copy to lay out; `out` keeps the document that is written
  const live = document.importNode(out.documentElement, true) as unknown as SVGSVGElement;
  for (const img of Array.from(live.querySelectorAll('image'))) img.remove(); // layout only: no need to decode cells
  const liveTexts = Array.from(live.querySelectorAll('text')) as SVGTextElement[];
  for (const el of [...liveTexts, ...Array.from(live.querySelectorAll('tspan'))] as SVGElement[]) {
    el.style.setProperty('font-family', `'${layoutFamily}'`);
    el.style.setProperty('font-kerning', 'none');
    el.style.setProperty('font-variant-ligatures', 'none');
    el.style.setProperty('font-synthesis', 'none');
  }
  await withOffscreen(live, () => {
    const outTexts = Array.from(out.querySelectorAll('text'));
    if (outTexts.length !== liveTexts.length) throw new Error('outline: the text elements do not match');
    liveTexts.forEach((text, i) => {
      const chars = addressable(text);
      if (chars.every((c) => c.ch.trim() === '')) {
        outTexts[i].remove(); // an empty label (a minor tick) draws nothing
        return;
      }
      const n = text.getNumberOfChars();
      const units = chars.reduce((s, c) => s + c.ch.length, 0);
      if (n !== units)
        throw new Error(`outline: "${text.textContent}" has ${n} characters laid out, ${units} expected`);
      const liveEls: Element[] = [text, ...Array.from(text.querySelectorAll('tspan'))];
      const target = outTexts[i];
      const outEls = [target, ...Array.from(target.querySelectorAll('tspan'))];
      const runs = new Map<string, { k: number; d: string; transform?: string }>();
      let at = 0;
      for (const { ch, el } of chars) {
        const index = at;
        at += ch.length;
        if (ch.trim() === '') continue;
        const size = parseFloat(getComputedStyle(el).fontSize);
        const pos = text.getStartPositionOfChar(index);
        const rot = text.getRotationOfChar(index);
        const d = outlines!.path(outlines!.glyphOf(ch.codePointAt(0)!), pos.x, pos.y, size);
        const k = liveEls.indexOf(el);
        // a rotated glyph (a rotate attribute; rare in plots) gets a path of its own
        const transform = rot === 0 ? undefined : `rotate(${rot} ${pos.x} ${pos.y})`;
        const key = transform === undefined ? String(k) : `${k}@${index}`;
        const run = runs.get(key) ?? { k, d: '', transform };
        run.d += d;
        runs.set(key, run);
      }
      target.replaceWith(outlinedGroup(out, target, outEls, runs, chars.map((c) => c.ch).join('')));
    });
  });
  const text = new XMLSerializer().serializeToString(out.documentElement);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${withPixelatedStyle(text)}\n`;
}

function outlinedGroup(
  doc: Document,
  text: Element,
  els: Element[],
  runs: Map<string, { k: number; d: string; transform?: string }>,
  label: string,
): Element {
  const g = doc.createElementNS(SVG_NS, 'g');
  for (const a of Array.from(text.attributes)) if (!LAYOUT.has(a.name)) g.setAttribute(a.name, a.value);
  g.setAttribute('aria-label', label);
  g.setAttribute('data-outlined', 'text');
  for (const { k, d, transform } of runs.values()) {
    const path = doc.createElementNS(SVG_NS, 'path');
    if (k > 0)
      for (const a of Array.from(els[k].attributes)) if (!LAYOUT.has(a.name)) path.setAttribute(a.name, a.value);
    if (transform) path.setAttribute('transform', transform);
    path.setAttribute('d', d);
    g.append(path);
  }
  return g;
}
