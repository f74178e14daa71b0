import { describe, expect, it } from 'vitest';
import { warningLeadMs } from './idle-warning.js';

describe('the inactivity warning', () => {
  it('shows a minute before the end, or a third of a shorter idle time before it', () => {
    expect(warningLeadMs(5 * 60_000)).toBe(60_000);
    expect(warningLeadMs(3 * 60_000)).toBe(60_000);
    expect(warningLeadMs(2 * 60_000)).toBe(40_000);
    expect(warningLeadMs(20_000)).toBe(6_666);
  });
});
