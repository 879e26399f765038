// Checks on exported SVG files shared by the export specs: the embedded font (magic bytes, and in a real browser
// which glyphs the subset draws) and the embedded cell rasters (decoded in the browser: size and pixels).
import type { Page } from 'playwright-core';

/** The first @font-face of an SVG file: its family and the font file decoded from the data: URL. */
export function embeddedFont(svg: string): { family: string; bytes: Buffer; base64: string } | null {
  const m = /@font-face\{font-family:'([^']+)';src:url\(data:font\/ttf;base64,([A-Za-z0-9+/=]+)\)/.exec(svg);
  return m ? { family: m[1], bytes: Buffer.from(m[2], 'base64'), base64: m[2] } : null;
}

/** TrueType (0x00010000 or 'true') or WOFF/WOFF2 magic at the start of a font file. */
export function fontMagic(bytes: Buffer): 'ttf' | 'woff' | 'woff2' | null {
  const tag = bytes.subarray(0, 4).toString('latin1');
  if (bytes.readUInt32BE(0) === 0x00010000 || tag === 'true') return 'ttf';
  if (tag === 'wOFF') return 'woff';
  if (tag === 'wOF2') return 'woff2';
  return null;
}

/**
 * How many dark pixels each character draws in the font (loaded as a FontFace in a blank page: the app's CSP keeps
 * fonts to its own origin): a subset draws its own glyphs and nothing for the others.
 */
export async function glyphInk(page: Page, base64: string, chars: string): Promise<Record<string, number>> {
  const blank = await page.context().newPage();
  try {
    return await blank.evaluate(
      async ({ base64, chars }) => {
        interface Ctx {
          font: string;
          fillStyle: string;
          fillRect(x: number, y: number, w: number, h: number): void;
          fillText(t: string, x: number, y: number): void;
          getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
        }
        const g = globalThis as unknown as {
          FontFace: new (family: string, src: string) => { load(): Promise<unknown> };
          document: {
            fonts: { add(f: unknown): void };
            createElement(t: 'canvas'): { width: number; height: number; getContext(k: '2d'): Ctx | null };
          };
        };
        const face = new g.FontFace('ExportSubset', `url(data:font/ttf;base64,${base64})`);
        await face.load();
        g.document.fonts.add(face);
        const c = g.document.createElement('canvas');
        c.width = 60;
        c.height = 60;
        const ctx = c.getContext('2d')!;
        const out: Record<string, number> = {};
        for (const ch of chars) {
          ctx.fillStyle = '#ffffff';
          ctx.fillRect(0, 0, 60, 60);
          ctx.fillStyle = '#000000';
          ctx.font = '40px ExportSubset';
          ctx.fillText(ch, 10, 45);
          const d = ctx.getImageData(0, 0, 60, 60).data;
          let ink = 0;
          for (let i = 0; i < d.length; i += 4) if (d[i] < 128) ink++;
          out[ch] = ink;
        }
        return out;
      },
      { base64, chars },
    );
  } finally {
    await blank.close();
  }
}

export interface RasterFacts {
  width: number;
  height: number;
  /** Whether every scale × scale block (scale = width / cells) holds one colour. */
  blocksUniform: boolean;
  /** Distinct colours, packed 0xRRGGBB. */
  colours: number[];
}

/** Decode an <image>'s data: URL in the page and describe its pixels against a grid of `cells` × `cells`. */
export async function rasterFacts(page: Page, href: string, cells: number): Promise<RasterFacts> {
  return page.evaluate(
    async ({ href, cells }) => {
      const g = globalThis as unknown as {
        Image: new () => { src: string; width: number; height: number; decode(): Promise<void> };
        document: {
          createElement(t: 'canvas'): {
            width: number;
            height: number;
            getContext(k: '2d'): {
              drawImage(i: unknown, x: number, y: number): void;
              getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
            } | null;
          };
        };
      };
      const img = new g.Image();
      img.src = href;
      await img.decode();
      const c = g.document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      const k = img.width / cells;
      const colours = new Set<number>();
      let blocksUniform = Number.isInteger(k) && img.height === img.width;
      for (let y = 0; y < img.height; y++)
        for (let x = 0; x < img.width; x++) {
          const p = 4 * (y * img.width + x);
          const v = (d[p] << 16) | (d[p + 1] << 8) | d[p + 2];
          colours.add(v);
          if (blocksUniform) {
            const q = 4 * (Math.floor(y / k) * k * img.width + Math.floor(x / k) * k);
            if (((d[q] << 16) | (d[q + 1] << 8) | d[q + 2]) !== v) blocksUniform = false;
          }
        }
      return { width: img.width, height: img.height, blocksUniform, colours: [...colours] };
    },
    { href, cells },
  );
}

/**
 * How well two SVG files draw the same ink, rendered in a blank page at `scale` px per pt: for each, the share of its
 * dark pixels within `radius` px of the other's (1: the same shapes up to anti-aliasing and hinting).
 */
export async function inkCoverage(
  page: Page,
  a: string,
  b: string,
  scale: number,
  radius = 2,
): Promise<{ aInB: number; bInA: number; inkA: number; inkB: number }> {
  const blank = await page.context().newPage();
  try {
    return await blank.evaluate(
      async ({ a, b, scale, radius }) => {
        interface Ctx {
          fillStyle: string;
          fillRect(x: number, y: number, w: number, h: number): void;
          drawImage(i: unknown, x: number, y: number, w: number, h: number): void;
          getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
        }
        const g = globalThis as unknown as {
          Image: new () => { src: string; naturalWidth: number; naturalHeight: number; decode(): Promise<void> };
          Blob: new (parts: string[], o: { type: string }) => unknown;
          URL: { createObjectURL(b: unknown): string };
          document: { createElement(t: 'canvas'): { width: number; height: number; getContext(k: '2d'): Ctx | null } };
        };
        const sizeOf = (svg: string) => {
          const m = /<svg\b[^>]*\bwidth="([\d.]+)pt"[^>]*\bheight="([\d.]+)pt"/.exec(svg);
          return m ? [Number(m[1]), Number(m[2])] : [0, 0];
        };
        const [wPt, hPt] = sizeOf(a);
        const W = Math.round(wPt * scale);
        const H = Math.round(hPt * scale);
        const ink = async (svg: string): Promise<Uint8Array> => {
          const img = new g.Image();
          img.src = g.URL.createObjectURL(new g.Blob([svg], { type: 'image/svg+xml' }));
          await img.decode();
          const c = g.document.createElement('canvas');
          c.width = W;
          c.height = H;
          const ctx = c.getContext('2d')!;
          ctx.fillStyle = '#ffffff';
          ctx.fillRect(0, 0, W, H);
          ctx.drawImage(img, 0, 0, W, H);
          const d = ctx.getImageData(0, 0, W, H).data;
          const out = new Uint8Array(W * H);
          for (let i = 0; i < W * H; i++)
            out[i] = 0.3 * d[4 * i] + 0.59 * d[4 * i + 1] + 0.11 * d[4 * i + 2] < 140 ? 1 : 0;
          return out;
        };
        const [ia, ib] = [await ink(a), await ink(b)];
        const covered = (p: Uint8Array, q: Uint8Array) => {
          let n = 0;
          let hit = 0;
          for (let y = 0; y < H; y++)
            for (let x = 0; x < W; x++) {
              if (!p[y * W + x]) continue;
              n++;
              search: for (let dy = -radius; dy <= radius; dy++)
                for (let dx = -radius; dx <= radius; dx++) {
                  const yy = y + dy;
                  const xx = x + dx;
                  if (yy >= 0 && yy < H && xx >= 0 && xx < W && q[yy * W + xx]) {
                    hit++;
                    break search;
                  }
                }
            }
          return { n, share: n === 0 ? 0 : hit / n };
        };
        const ab = covered(ia, ib);
        const ba = covered(ib, ia);
        return { aInB: ab.share, bInA: ba.share, inkA: ab.n, inkB: ba.n };
      },
      { a, b, scale, radius },
    );
  } finally {
    await blank.close();
  }
}
