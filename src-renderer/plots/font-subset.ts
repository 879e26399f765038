// A TrueType subset for fonts embedded in exported SVGs (pure, no DOM). Glyph ids stay as they are (cmap, hmtx and
// GPOS need no rewrite); every glyph a text does not use — after composite glyphs pull in their components — gets
// empty outlines, glyph names go (post format 3) and GSUB goes (a ligature could substitute a glyph that was
// emptied). DejaVu Sans: 760 kB → about 150 kB plus the glyphs used. Table layout: Apple/OpenType "sfnt" spec.

export interface TableEntry {
  tag: string;
  offset: number;
  length: number;
}

const DROPPED = new Set(['GSUB']);

function tables(font: DataView): Map<string, TableEntry> {
  const version = font.getUint32(0);
  if (version !== 0x00010000 && version !== 0x74727565)
    throw new Error(`font: not a TrueType file (sfnt version 0x${version.toString(16)})`);
  const n = font.getUint16(4);
  const out = new Map<string, TableEntry>();
  for (let i = 0; i < n; i++) {
    const at = 12 + 16 * i;
    const tag = String.fromCharCode(
      font.getUint8(at),
      font.getUint8(at + 1),
      font.getUint8(at + 2),
      font.getUint8(at + 3),
    );
    const offset = font.getUint32(at + 8);
    const length = font.getUint32(at + 12);
    if (offset + length > font.byteLength) throw new Error(`font: table ${tag} runs past the end of the file`);
    out.set(tag, { tag, offset, length });
  }
  for (const need of ['head', 'maxp', 'cmap', 'loca', 'glyf', 'post'])
    if (!out.has(need)) throw new Error(`font: no ${need} table (only TrueType outlines can be subset)`);
  return out;
}

/** The glyph of a code point through the Unicode cmap subtable (format 12 preferred, else format 4); 0 if absent. */
function cmapLookup(font: DataView, cmap: TableEntry): (cp: number) => number {
  const n = font.getUint16(cmap.offset + 2);
  let best: { format: number; at: number } | null = null;
  for (let i = 0; i < n; i++) {
    const rec = cmap.offset + 4 + 8 * i;
    const platform = font.getUint16(rec);
    const encoding = font.getUint16(rec + 2);
    const at = cmap.offset + font.getUint32(rec + 4);
    const format = font.getUint16(at);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode || (format !== 4 && format !== 12)) continue;
    if (!best || (format === 12 && best.format === 4)) best = { format, at };
  }
  if (!best) throw new Error('font: no Unicode cmap subtable (format 4 or 12)');
  const { format, at } = best;
  if (format === 12) {
    const groups = font.getUint32(at + 12);
    return (cp) => {
      for (let g = 0; g < groups; g++) {
        const p = at + 16 + 12 * g;
        const start = font.getUint32(p);
        const end = font.getUint32(p + 4);
        if (cp >= start && cp <= end) return font.getUint32(p + 8) + (cp - start);
      }
      return 0;
    };
  }
  const segX2 = font.getUint16(at + 6);
  const ends = at + 14;
  const starts = ends + segX2 + 2;
  const deltas = starts + segX2;
  const rangeOffsets = deltas + segX2;
  return (cp) => {
    if (cp > 0xffff) return 0;
    for (let s = 0; s < segX2; s += 2) {
      if (cp > font.getUint16(ends + s)) continue;
      const start = font.getUint16(starts + s);
      if (cp < start) return 0;
      const delta = font.getInt16(deltas + s);
      const ro = font.getUint16(rangeOffsets + s);
      if (ro === 0) return (cp + delta) & 0xffff;
      const g = font.getUint16(rangeOffsets + s + ro + 2 * (cp - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
    return 0;
  };
}

/** Component glyph ids of a composite glyph (glyf spec: flags, glyphIndex, args, optional transform). */
function components(font: DataView, start: number, end: number): number[] {
  if (end - start < 10 || font.getInt16(start) >= 0) return [];
  const out: number[] = [];
  let p = start + 10;
  for (;;) {
    const flags = font.getUint16(p);
    out.push(font.getUint16(p + 2));
    p += 4 + (flags & 0x1 ? 4 : 2);
    if (flags & 0x8) p += 2;
    else if (flags & 0x40) p += 4;
    else if (flags & 0x80) p += 8;
    if (!(flags & 0x20) || p >= end) return out;
  }
}

function checksum(bytes: Uint8Array): number {
  const padded = new Uint8Array((bytes.length + 3) & ~3);
  padded.set(bytes);
  const v = new DataView(padded.buffer);
  let sum = 0;
  for (let i = 0; i < padded.length; i += 4) sum = (sum + v.getUint32(i)) >>> 0;
  return sum;
}

/** A TrueType font's tables and its glyph index: where each glyph's "glyf" entry lies, and the Unicode cmap. */
export interface GlyphTable {
  font: DataView;
  tables: Map<string, TableEntry>;
  unitsPerEm: number;
  numGlyphs: number;
  /** Start and end byte of a glyph's "glyf" entry (loca, short or long format). */
  glyphAt(glyph: number): [number, number];
  /** The glyph of a code point (0 if absent). */
  lookup(codePoint: number): number;
}

export function glyphTable(bytes: Uint8Array): GlyphTable {
  const font = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const t = tables(font);
  const head = t.get('head')!.offset;
  const longLoca = font.getInt16(head + 50) === 1;
  const loca = t.get('loca')!.offset;
  const glyf = t.get('glyf')!.offset;
  return {
    font,
    tables: t,
    unitsPerEm: font.getUint16(head + 18),
    numGlyphs: font.getUint16(t.get('maxp')!.offset + 4),
    glyphAt: (g) =>
      longLoca
        ? [glyf + font.getUint32(loca + 4 * g), glyf + font.getUint32(loca + 4 * g + 4)]
        : [glyf + 2 * font.getUint16(loca + 2 * g), glyf + 2 * font.getUint16(loca + 2 * g + 2)],
    lookup: cmapLookup(font, t.get('cmap')!),
  };
}

/** The font with only the glyphs of `text` (and .notdef) keeping their outlines. */
export function subsetTtf(bytes: Uint8Array, text: string): Uint8Array {
  const { font, tables: t, numGlyphs, glyphAt, lookup } = glyphTable(bytes);
  const head = t.get('head')!;
  const keep = new Set<number>([0]);
  const todo: number[] = [0];
  for (const ch of text) {
    const g = lookup(ch.codePointAt(0)!);
    if (g > 0 && g < numGlyphs && !keep.has(g)) {
      keep.add(g);
      todo.push(g);
    }
  }
  while (todo.length > 0) {
    const [s, e] = glyphAt(todo.pop()!);
    for (const c of components(font, s, e))
      if (c < numGlyphs && !keep.has(c)) {
        keep.add(c);
        todo.push(c);
      }
  }

  // glyf with empty entries for the glyphs dropped; loca in the long format
  let glyfSize = 0;
  for (const g of keep) {
    const [s, e] = glyphAt(g);
    glyfSize += (e - s + 3) & ~3;
  }
  const newGlyf = new Uint8Array(glyfSize);
  const newLoca = new Uint8Array(4 * (numGlyphs + 1));
  const locaView = new DataView(newLoca.buffer);
  let at = 0;
  for (let g = 0; g < numGlyphs; g++) {
    locaView.setUint32(4 * g, at);
    if (!keep.has(g)) continue;
    const [s, e] = glyphAt(g);
    newGlyf.set(bytes.subarray(s, e), at);
    at += (e - s + 3) & ~3;
  }
  locaView.setUint32(4 * numGlyphs, at);

  const copy = (e: TableEntry) => bytes.slice(e.offset, e.offset + e.length);
  const newHead = copy(head);
  const headView = new DataView(newHead.buffer);
  headView.setInt16(50, 1); // indexToLocFormat: long
  headView.setUint32(8, 0); // checkSumAdjustment, set below
  const newPost = copy(t.get('post')!).slice(0, 32);
  new DataView(newPost.buffer).setUint32(0, 0x00030000); // no glyph names

  const out = new Map<string, Uint8Array>();
  for (const e of t.values()) {
    if (DROPPED.has(e.tag)) continue;
    out.set(e.tag, copy(e));
  }
  out.set('glyf', newGlyf);
  out.set('loca', newLoca);
  out.set('head', newHead);
  out.set('post', newPost);

  const tags = [...out.keys()].sort();
  const n = tags.length;
  let size = 12 + 16 * n;
  for (const tag of tags) size += (out.get(tag)!.length + 3) & ~3;
  const file = new Uint8Array(size);
  const v = new DataView(file.buffer);
  const pow = 2 ** Math.floor(Math.log2(n));
  v.setUint32(0, 0x00010000);
  v.setUint16(4, n);
  v.setUint16(6, pow * 16);
  v.setUint16(8, Math.log2(pow));
  v.setUint16(10, n * 16 - pow * 16);
  let offset = 12 + 16 * n;
  let headOffset = 0;
  tags.forEach((tag, i) => {
    const data = out.get(tag)!;
    const rec = 12 + 16 * i;
    for (let k = 0; k < 4; k++) v.setUint8(rec + k, tag.charCodeAt(k));
    v.setUint32(rec + 4, checksum(data));
    v.setUint32(rec + 8, offset);
    v.setUint32(rec + 12, data.length);
    file.set(data, offset);
    if (tag === 'head') headOffset = offset;
    offset += (data.length + 3) & ~3;
  });
  v.setUint32(headOffset + 8, (0xb1b0afba - checksum(file)) >>> 0);
  return file;
}
