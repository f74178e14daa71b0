import { randomInt } from 'node:crypto';

/** 12 random digits, not starting with 0 (a wallet id or a purse number). */
export function twelveDigits(): string {
  let digits = String(randomInt(1, 10));
  for (let i = 0; i < 11; i += 1) digits += String(randomInt(0, 10));
  return digits;
}
