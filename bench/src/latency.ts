/**
 * Cycle latencies of one measured window. Every sample is kept (a 10 s window
 * at a few thousand cycles/s is a few tens of thousands of numbers), so the
 * percentiles are exact rather than read from histogram buckets.
 */
export class LatencyRecorder {
  #samples = new Float64Array(1 << 14);
  #count = 0;

  /** Adds one latency, in milliseconds. */
  record(ms: number): void {
    if (this.#count === this.#samples.length) {
      const grown = new Float64Array(this.#samples.length * 2);
      grown.set(this.#samples);
      this.#samples = grown;
    }
    this.#samples[this.#count++] = ms;
  }

  get count(): number {
    return this.#count;
  }

  /** The given percentiles (0..100), nearest-rank; NaN when nothing was recorded. */
  percentiles(...ps: readonly number[]): number[] {
    const sorted = this.#samples.slice(0, this.#count).sort();
    return ps.map((p) => {
      if (sorted.length === 0) return Number.NaN;
      const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
      return sorted[rank - 1]!;
    });
  }
}
