import { describe, expect, it } from 'vitest';
import {
  digitsOnly,
  formatCountdown,
  formatDateTime,
  formatRelativeSeconds,
  formatTime,
  groupChallenge,
} from './format.js';

describe('challenge grouping', () => {
  it('shows 8 digits as 4+4', () => {
    expect(groupChallenge('12345678')).toBe('1234 5678');
    expect(groupChallenge('00001111')).toBe('0000 1111');
  });

  it('ignores separators already present and groups other lengths from the left', () => {
    expect(groupChallenge('1234-5678')).toBe('1234 5678');
    expect(groupChallenge('123456')).toBe('1234 56');
    expect(groupChallenge('')).toBe('');
  });

  it('reads typed responses with spaces and dashes as digits', () => {
    expect(digitsOnly(' 8765 4321 ')).toBe('87654321');
    expect(digitsOnly('8765-4321')).toBe('87654321');
    expect(digitsOnly('12ab')).toBe('12ab');
  });
});

describe('dates and times', () => {
  const at = Date.UTC(2025, 2, 14, 9, 5);
  // ICU versions differ in the space before AM/PM (U+0020 or U+202F).
  const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

  it('formats a time in the activity log by language', () => {
    expect(plain(formatDateTime(at, 'en', 'UTC'))).toBe('Mar 14, 2025, 9:05 AM');
    expect(plain(formatDateTime(at, 'ru', 'UTC'))).toBe('14 мар. 2025 г., 09:05');
  });

  it('formats "valid until" as hours and minutes', () => {
    expect(plain(formatTime(at, 'en', 'UTC'))).toBe('09:05 AM');
    expect(formatTime(at, 'ru', 'UTC')).toBe('09:05');
  });

  it('says a wait in seconds, minutes or hours, rounded up', () => {
    expect(formatRelativeSeconds(45, 'en')).toBe('in 45 seconds');
    expect(formatRelativeSeconds(0.2, 'en')).toBe('in 1 second');
    expect(formatRelativeSeconds(300, 'en')).toBe('in 5 minutes');
    expect(formatRelativeSeconds(301, 'en')).toBe('in 6 minutes');
    expect(formatRelativeSeconds(7200, 'en')).toBe('in 2 hours');
    expect(formatRelativeSeconds(300, 'ru')).toBe('через 5 минут');
    expect(formatRelativeSeconds(60, 'ru')).toBe('через 60 секунд');
  });
});

describe('the inactivity countdown', () => {
  it('shows minutes and seconds, rounded up, never below 0:00', () => {
    expect(formatCountdown(60_000)).toBe('1:00');
    expect(formatCountdown(59_001)).toBe('1:00');
    expect(formatCountdown(59_000)).toBe('0:59');
    expect(formatCountdown(9_000)).toBe('0:09');
    expect(formatCountdown(1)).toBe('0:01');
    expect(formatCountdown(0)).toBe('0:00');
    expect(formatCountdown(-5)).toBe('0:00');
  });
});
