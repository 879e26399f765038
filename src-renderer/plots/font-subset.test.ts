import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { subsetTtf } from './font-subset';

const SANS = new Uint8Array(readFileSync(new URL('../public/fonts/DejaVuSans.ttf', import.meta.url)));

interface Parsed {
  view: DataView;
  tables: Map<string, { checksum: number; offset: number; length: number }>;
}
function parse(bytes: Uint8Array): Parsed {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tables = new Map<string, { checksum: number; offset: number; length: number }>();
  for (let i = 0; i < view.getUint16(4); i++) {
    const at = 12 + 16 * i;
    const tag = String.fromCharCode(...bytes.subarray(at, at + 4));
    tables.set(tag, {
      checksum: view.getUint32(at + 4),
      offset: view.getUint32(at + 8),
      length: view.getUint32(at + 12),
    });
  }
  return { view, tables };
}
function sum(bytes: Uint8Array): number {
  const padded = new Uint8Array((bytes.length + 3) & ~3);
  padded.set(bytes);
  const v = new DataView(padded.buffer);
  let s = 0;
  for (let i = 0; i < padded.length; i += 4) s = (s + v.getUint32(i)) >>> 0;
  return s;
}
/** Glyph g's outline bytes, read through loca in whichever format the head names. */
function glyph(p: Parsed, bytes: Uint8Array, g: number): Uint8Array {
  const long = p.view.getInt16(p.tables.get('head')!.offset + 50) === 1;
  const loca = p.tables.get('loca')!.offset;
  const glyf = p.tables.get('glyf')!.offset;
  const [s, e] = long
    ? [p.view.getUint32(loca + 4 * g), p.view.getUint32(loca + 4 * g + 4)]
    : [2 * p.view.getUint16(loca + 2 * g), 2 * p.view.getUint16(loca + 2 * g + 2)];
  return bytes.subarray(glyf + s, glyf + e);
}
/** Glyph of a BMP code point through the (3, 1) format-4 cmap, computed here independently of the subsetter. */
function glyphOf(p: Parsed, cp: number): number {
  const cmap = p.tables.get('cmap')!.offset;
  for (let i = 0; i < p.view.getUint16(cmap + 2); i++) {
    const rec = cmap + 4 + 8 * i;
    if (p.view.getUint16(rec) !== 3 || p.view.getUint16(rec + 2) !== 1) continue;
    const at = cmap + p.view.getUint32(rec + 4);
    const seg = p.view.getUint16(at + 6) / 2;
    for (let s = 0; s < seg; s++) {
      const end = p.view.getUint16(at + 14 + 2 * s);
      const start = p.view.getUint16(at + 16 + 2 * seg + 2 * s);
      if (cp < start || cp > end) continue;
      const delta = p.view.getInt16(at + 16 + 4 * seg + 2 * s);
      const roAt = at + 16 + 6 * seg + 2 * s;
      const ro = p.view.getUint16(roAt);
      return ro === 0 ? (cp + delta) & 0xffff : (p.view.getUint16(roAt + ro + 2 * (cp - start)) + delta) & 0xffff;
    }
  }
  return 0;
}

describe('subsetTtf', () => {
  const text = 'σ_w² = 1.5 Θé';
  const out = subsetTtf(SANS, text);
  const a = parse(SANS);
  const b = parse(out);

  it('writes a valid sfnt: TrueType magic, table and whole-file checksums, GSUB and glyph names gone', () => {
    expect(b.view.getUint32(0)).toBe(0x00010000);
    expect(b.view.getUint32(b.tables.get('head')!.offset + 12)).toBe(0x5f0f3cf5); // head magic
    for (const [tag, e] of b.tables)
      if (tag !== 'head') expect(sum(out.subarray(e.offset, e.offset + e.length)), tag).toBe(e.checksum);
    expect(sum(out)).toBe(0xb1b0afba);
    expect(b.tables.has('GSUB')).toBe(false);
    expect(b.view.getUint32(b.tables.get('post')!.offset)).toBe(0x00030000);
    expect(out.length).toBeLessThan(SANS.length / 3);
  });

  it('keeps the outlines of the glyphs used (and of the components they are built of), empties the rest', () => {
    const numGlyphs = a.view.getUint16(a.tables.get('maxp')!.offset + 4);
    expect(b.view.getUint16(b.tables.get('maxp')!.offset + 4)).toBe(numGlyphs); // ids unchanged
    for (const ch of 'σw²=1.5Θé') {
      const g = glyphOf(a, ch.codePointAt(0)!);
      expect(g, ch).toBeGreaterThan(0);
      expect(glyphOf(b, ch.codePointAt(0)!)).toBe(g);
      const want = glyph(a, SANS, g);
      expect(want.length, ch).toBeGreaterThan(0);
      expect(glyph(b, out, g).subarray(0, want.length)).toEqual(want);
    }
    // é is a composite in DejaVu Sans (e + acute): its components keep their outlines, though no text uses them
    const composite = glyph(a, SANS, glyphOf(a, 0xe9));
    const cv = new DataView(composite.buffer, composite.byteOffset);
    expect(cv.getInt16(0)).toBeLessThan(0);
    const first = cv.getUint16(12); // glyphIndex of the first component record (after the 10-byte header, flags)
    expect(glyph(a, SANS, first).length).toBeGreaterThan(0);
    expect(glyph(b, out, first)).toEqual(glyph(a, SANS, first));
    // a letter not in the text: no outline
    for (const ch of 'Zqλ') expect(glyph(b, out, glyphOf(a, ch.codePointAt(0)!)).length, ch).toBe(0);
    expect(glyph(b, out, 0).length).toBeGreaterThan(0); // .notdef
  });

  it('names what is wrong with a file that is not a TrueType font', () => {
    expect(() => subsetTtf(new Uint8Array(64), 'a')).toThrow(/not a TrueType file/);
  });
});
