// Glyph outlines of a TrueType font as SVG path data (pure, no DOM), for SVG exports whose text is drawn as paths
// ("outline" fonts): simple glyphs are quadratic B-spline contours (implied on-curve points between two off-curve
// ones), composite glyphs place their components with an offset and an optional 2 × 2 transform. Layout: the "glyf"
// table of the Apple/OpenType TrueType spec.
import { glyphTable } from './font-subset';

type Point = { x: number; y: number; on: boolean };
type Affine = [number, number, number, number, number, number]; // x' = a·x + c·y + e, y' = b·x + d·y + f

export interface GlyphOutlines {
  unitsPerEm: number;
  /** The glyph of a code point (0: the font has none). */
  glyphOf(codePoint: number): number;
  /** Contours of a glyph in font units (y up), composites resolved. */
  contours(glyph: number): Point[][];
  /** SVG path data of a glyph drawn at `size` user units per em with its origin at (x, y) (SVG y down). */
  path(glyph: number, x: number, y: number, size: number): string;
}

const r2 = (v: number) => String(Math.round(v * 100) / 100);

export function glyphOutlines(bytes: Uint8Array): GlyphOutlines {
  const { font, unitsPerEm, numGlyphs, glyphAt, lookup } = glyphTable(bytes);

  function simple(start: number, n: number): Point[][] {
    const ends: number[] = [];
    for (let i = 0; i < n; i++) ends.push(font.getUint16(start + 10 + 2 * i));
    const count = n === 0 ? 0 : ends[n - 1] + 1;
    let p = start + 10 + 2 * n;
    p += 2 + font.getUint16(p); // instructions
    const flags: number[] = [];
    while (flags.length < count) {
      const f = font.getUint8(p++);
      flags.push(f);
      if (f & 0x8) for (let k = font.getUint8(p++); k > 0; k--) flags.push(f);
    }
    const coords = (short: number, same: number): number[] => {
      const out: number[] = [];
      let v = 0;
      for (const f of flags) {
        if (f & short) v += (f & same ? 1 : -1) * font.getUint8(p++);
        else if (!(f & same)) {
          v += font.getInt16(p);
          p += 2;
        }
        out.push(v);
      }
      return out;
    };
    const xs = coords(0x2, 0x10);
    const ys = coords(0x4, 0x20);
    const out: Point[][] = [];
    let from = 0;
    for (const end of ends) {
      const c: Point[] = [];
      for (let i = from; i <= end; i++) c.push({ x: xs[i], y: ys[i], on: (flags[i] & 0x1) !== 0 });
      out.push(c);
      from = end + 1;
    }
    return out;
  }

  function composite(start: number, end: number, depth: number): Point[][] {
    const out: Point[][] = [];
    let p = start + 10;
    for (;;) {
      const flags = font.getUint16(p);
      const glyph = font.getUint16(p + 2);
      p += 4;
      const words = (flags & 0x1) !== 0;
      const args = words ? [font.getInt16(p), font.getInt16(p + 2)] : [font.getInt8(p), font.getInt8(p + 1)];
      p += words ? 4 : 2;
      // point matching (not in DejaVu) instead of an offset: placed at the origin
      const [e, f] = flags & 0x2 ? args : [0, 0];
      const f2dot14 = (at: number) => font.getInt16(at) / 16384;
      let m: Affine = [1, 0, 0, 1, e, f];
      if (flags & 0x8) {
        const s = f2dot14(p);
        m = [s, 0, 0, s, e, f];
        p += 2;
      } else if (flags & 0x40) {
        m = [f2dot14(p), 0, 0, f2dot14(p + 2), e, f];
        p += 4;
      } else if (flags & 0x80) {
        m = [f2dot14(p), f2dot14(p + 2), f2dot14(p + 4), f2dot14(p + 6), e, f];
        p += 8;
      }
      for (const c of resolve(glyph, depth + 1))
        out.push(c.map((q) => ({ x: m[0] * q.x + m[2] * q.y + m[4], y: m[1] * q.x + m[3] * q.y + m[5], on: q.on })));
      if (!(flags & 0x20) || p >= end) return out;
    }
  }

  function resolve(glyph: number, depth = 0): Point[][] {
    if (glyph < 0 || glyph >= numGlyphs || depth > 8) return [];
    const [s, e] = glyphAt(glyph);
    if (e - s < 10) return []; // no outline (a space)
    const n = font.getInt16(s);
    return n >= 0 ? simple(s, n) : composite(s, e, depth);
  }

  function path(glyph: number, x: number, y: number, size: number): string {
    const k = size / unitsPerEm;
    const X = (q: { x: number }) => r2(x + q.x * k);
    const Y = (q: { y: number }) => r2(y - q.y * k);
    let d = '';
    for (const c of resolve(glyph)) {
      if (c.length === 0) continue;
      // start on an on-curve point: the first one, else the last, else the midpoint of the first two
      const firstOn = c.findIndex((q) => q.on);
      const start =
        firstOn >= 0 ? c[firstOn] : { x: (c[0].x + c[c.length - 1].x) / 2, y: (c[0].y + c[c.length - 1].y) / 2 };
      const order = firstOn >= 0 ? [...c.slice(firstOn + 1), ...c.slice(0, firstOn + 1)] : [...c, start as Point];
      d += `M${X(start)} ${Y(start)}`;
      let control: Point | null = null;
      for (const q of order) {
        if (q.on) {
          d += control ? `Q${X(control)} ${Y(control)} ${X(q)} ${Y(q)}` : `L${X(q)} ${Y(q)}`;
          control = null;
        } else if (control) {
          const mid = { x: (control.x + q.x) / 2, y: (control.y + q.y) / 2 };
          d += `Q${X(control)} ${Y(control)} ${X(mid)} ${Y(mid)}`;
          control = q;
        } else control = q;
      }
      if (control) d += `Q${X(control)} ${Y(control)} ${X(start)} ${Y(start)}`;
      d += 'Z';
    }
    return d;
  }

  return {
    unitsPerEm,
    glyphOf: (cp) => {
      const g = lookup(cp);
      return g < numGlyphs ? g : 0;
    },
    contours: (g) => resolve(g),
    path,
  };
}

/** The bounding box a glyph's header states (xMin, yMin, xMax, yMax in font units), for checks. */
export function glyphHeaderBox(bytes: Uint8Array, glyph: number): [number, number, number, number] | null {
  const { font, glyphAt } = glyphTable(bytes);
  const [at, end] = glyphAt(glyph);
  if (end - at < 10) return null;
  return [font.getInt16(at + 2), font.getInt16(at + 4), font.getInt16(at + 6), font.getInt16(at + 8)];
}
