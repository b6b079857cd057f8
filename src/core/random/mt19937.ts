/**
 * 32-bit Mersenne Twister (mt19937ar) laid out like ATen's at::mt19937: a 624-word
 * state, `left` counting down to the next lazy regeneration and `next` indexing the
 * word to temper. Seeding sets left = 1, so the first draw regenerates the state.
 * The same fields are what torch.get_rng_state() serialises.
 */
export const MT_N = 624;
const MT_M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

export class MT19937 {
  readonly state = new Uint32Array(MT_N);
  left = 1;
  next = 0;

  constructor(seed = 5489) {
    this.seed(seed);
  }

  /** init_genrand with a 32-bit seed. */
  seed(seed32: number): void {
    const st = this.state;
    st[0] = seed32 >>> 0;
    for (let j = 1; j < MT_N; j++) {
      const prev = st[j - 1] ^ (st[j - 1] >>> 30);
      st[j] = (Math.imul(1812433253, prev) + j) >>> 0;
    }
    this.left = 1;
    this.next = 0;
  }

  /** Regenerates all 624 words in place. */
  private twist(): void {
    const st = this.state;
    let k = 0;
    for (; k < MT_N - MT_M; k++) {
      const y = (st[k] & UPPER_MASK) | (st[k + 1] & LOWER_MASK);
      st[k] = st[k + MT_M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; k < MT_N - 1; k++) {
      const y = (st[k] & UPPER_MASK) | (st[k + 1] & LOWER_MASK);
      st[k] = st[k + MT_M - MT_N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (st[MT_N - 1] & UPPER_MASK) | (st[0] & LOWER_MASK);
    st[MT_N - 1] = st[MT_M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.left = MT_N;
    this.next = 0;
  }

  /** Next tempered 32-bit output, as a non-negative number. */
  nextUint32(): number {
    if (--this.left === 0) this.twist();
    let y = this.state[this.next++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  copyFrom(other: MT19937): void {
    this.state.set(other.state);
    this.left = other.left;
    this.next = other.next;
  }
}
