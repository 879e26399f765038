// Fast seedable PRNG for the samplers: xoshiro128** (Blackman & Vigna) on 32-bit integer ops, which V8 runs
// without allocation. Independent streams per (seed, block) come from SplitMix32-hashing both into the state,
// so a result depends only on (seed, block index), never on which worker ran the block.

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

const TWO_POW_M32 = 2 ** -32;
const TWO_POW_M53 = 2 ** -53;

export class Rng {
  /** xoshiro128** state a, b, c, d as untagged int32 (V8 keeps typed-array elements unboxed). */
  private readonly s = new Int32Array(4);
  private spare = 0;
  private hasSpare = false;

  /** @param seed user seed (uint32); @param stream independent stream index (e.g. the sample block). */
  constructor(seed: number, stream = 0) {
    const st = { s: (seed >>> 0) ^ Math.imul(stream >>> 0, 0x632be5ab) };
    // mix the stream index a second time so (seed, stream) pairs that collide after XOR still differ
    st.s = (st.s + Math.imul((stream >>> 0) + 1, 0x9e3779b9)) | 0;
    for (let i = 0; i < 4; i++) this.s[i] = splitmix32(st);
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** Next uniform uint32. Rotations written out (not rotl calls) to keep the bytecode small: V8 then inlines it into
   *  the samplers' per-layer loops within its inlining budget. */
  nextU32(): number {
    const s = this.s;
    const a = s[0],
      b = s[1];
    const c = s[2] ^ a,
      d = s[3] ^ b;
    const m = Math.imul(b, 5);
    s[0] = a ^ d;
    s[1] = b ^ c;
    s[2] = c ^ (b << 9);
    s[3] = (d << 11) | (d >>> 21);
    return Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
  }

  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) * TWO_POW_M53;
  }

  /** Uniform on (0, 1): never 0, safe for log(). */
  uniformOpen(): number {
    return (this.nextU32() + 0.5) * TWO_POW_M32;
  }

  /** Standard normal (Marsaglia polar method; the second variate is kept for the next call). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    this.hasSpare = true;
    return u * m;
  }

  /** Fill an array with i.i.d. standard normals. */
  fillNormal(out: Float64Array | Float32Array, scale = 1): void {
    for (let i = 0; i < out.length; i++) out[i] = this.normal() * scale;
  }
}
