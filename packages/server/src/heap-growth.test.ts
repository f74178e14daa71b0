import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, heapGrowthFlag } from './heap-growth.js';

describe('heapGrowthFlag', () => {
  it('bounds heap growth by default', () => {
    expect(heapGrowthFlag([], undefined)).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    expect(heapGrowthFlag(['--enable-source-maps'], '--max-old-space-size=512')).toBe(
      `--heap-growing-percent=${HEAP_GROWING_PERCENT}`,
    );
  });

  it("keeps the operator's own setting, on the command line or in NODE_OPTIONS", () => {
    expect(heapGrowthFlag(['--heap-growing-percent=80'], undefined)).toBeNull();
    expect(heapGrowthFlag([], '--inspect --heap_growing_percent=20')).toBeNull();
  });
});
