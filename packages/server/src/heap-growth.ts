import { setFlagsFromString } from 'node:v8';

/**
 * How far, in percent, V8 lets the old generation grow past what the last
 * full collection kept before it collects again.
 *
 * Left to itself, V8 picks the allowance from how fast collection is, up to
 * four times the heap kept (on a heap limit of 2 GiB or more). The first one
 * is picked while the service is still idle, so under its first minutes of
 * load the heap of short-lived request objects grew to twice its size before
 * a full collection: 210–220 MB of RSS on the login bench, 160 MB once the
 * allowance had been recomputed under load. At 50% the service stays near
 * 160 MB from the start, for about 3% fewer login cycles a second (both
 * measured with `npm run bench`, docs/operations.md).
 */
export const HEAP_GROWING_PERCENT = 50;

/**
 * The V8 flag that bounds heap growth, or `null` when the operator set
 * `--heap-growing-percent` themselves, on the command line or in
 * `NODE_OPTIONS`: theirs is kept.
 */
export function heapGrowthFlag(
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): string | null {
  const given = /--heap[-_]growing[-_]percent\b/;
  if (execArgv.some((arg) => given.test(arg)) || given.test(nodeOptions ?? '')) return null;
  return `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}

/**
 * Bounds the growth of the service's heap ({@link HEAP_GROWING_PERCENT}).
 * V8 reads this setting at each full collection, so setting it at startup,
 * before the first one, takes effect for the life of the process.
 */
export function boundHeapGrowth(): void {
  const flag = heapGrowthFlag(process.execArgv, process.env.NODE_OPTIONS);
  if (flag) setFlagsFromString(flag);
}
