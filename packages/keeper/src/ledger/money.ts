import { canonicalAmount } from '@cipherpad/core';
import { KeeperError } from '../errors.js';

/** A currency of the keeper: its purse letter, its name in payment requests, what it is like. */
export interface Currency {
  readonly letter: 'Z' | 'E' | 'R';
  /** The name sent to Cipherpad and shown in the app (`currency` of a payment). */
  readonly code: string;
  /** What the demo currency stands for. */
  readonly like: string;
}

/** The keeper's currencies, in the order the wallet shows them. */
export const CURRENCIES: readonly Currency[] = [
  { letter: 'Z', code: 'WMZ', like: 'USD' },
  { letter: 'E', code: 'WME', like: 'EUR' },
  { letter: 'R', code: 'WMR', like: 'RUB' },
];

/** The currency of a purse letter, or undefined. */
export function currencyOf(letter: string): Currency | undefined {
  return CURRENCIES.find((currency) => currency.letter === letter);
}

/**
 * The largest amount of one transfer, in minor units (ten billion). With it,
 * no balance comes near 2^53 in any demo, so minor units stay exact as
 * JavaScript numbers and as PostgreSQL `bigint`s.
 */
export const MAX_AMOUNT = 1_000_000_000_000;

const AMOUNT = /^(\d{1,12})(?:[.,](\d{1,2}))?$/;

/**
 * Reads an amount as a person types it (`25`, `25.5`, `25,50`) into integer
 * minor units (cents), never through a float.
 *
 * @throws {KeeperError} `ERR_AMOUNT_INVALID` for anything else, zero, or more than {@link MAX_AMOUNT}.
 * @example
 * ```ts
 * parseAmount('25,50'); // 2550
 * ```
 */
export function parseAmount(input: unknown): number {
  const match = typeof input === 'string' ? AMOUNT.exec(input.trim()) : null;
  if (!match) throw new KeeperError('ERR_AMOUNT_INVALID');
  const units = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  if (units <= 0 || units > MAX_AMOUNT) throw new KeeperError('ERR_AMOUNT_INVALID');
  return units;
}

/**
 * Minor units as a decimal string with two decimals (`2550` → `25.50`), as
 * the wallet shows and the JSON API answers amounts.
 */
export function formatAmount(units: number): string {
  const sign = units < 0 ? '-' : '';
  const abs = Math.abs(units);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * Minor units in Cipherpad's canonical amount form (docs/protocol.md), the
 * amount a Payment-mode response is bound to: `2550` → `25.5`, `2500` → `25`.
 */
export function cipherpadAmount(units: number): string {
  return canonicalAmount(formatAmount(units));
}
