/** The content codings the builds write beside a file (`NAME.br`, `NAME.gz`), best first. */
export const CONTENT_CODINGS = ['br', 'gzip'] as const;

/** A content coding a static file may have a precompressed variant in. */
export type ContentCoding = (typeof CONTENT_CODINGS)[number];

/** The file name suffix of each coding's variant, as the builds write it. */
export const VARIANT_SUFFIX: Readonly<Record<ContentCoding, string>> = { br: '.br', gzip: '.gz' };

/**
 * The coding to send a file in, from the request's `Accept-Encoding`
 * (RFC 9110 §12.5.3) and the variants the file has: the one with the highest
 * weight, brotli before gzip on a tie; null for the file as it is (no header,
 * nothing acceptable, or no variant). A weight of 0 refuses a coding, `*`
 * stands for every coding not named, and `x-gzip` is gzip (§8.4.1.3).
 *
 * @example
 * chooseCoding('gzip, deflate, br, zstd', ['br', 'gzip']); // 'br'
 * chooseCoding('br;q=0, gzip', ['br', 'gzip']); // 'gzip'
 */
export function chooseCoding(
  header: string | undefined,
  available: readonly ContentCoding[],
): ContentCoding | null {
  if (!header || available.length === 0) return null;
  const weights = new Map<string, number>();
  for (const part of header.slice(0, 1024).split(',')) {
    const [name = '', ...params] = part.split(';').map((item) => item.trim().toLowerCase());
    if (!name) continue;
    let weight = 1;
    for (const param of params) {
      const q = /^q\s*=\s*([01](?:\.\d{0,3})?)$/.exec(param);
      if (q) weight = Number(q[1]);
    }
    weights.set(name === 'x-gzip' ? 'gzip' : name, weight);
  }
  let best: ContentCoding | null = null;
  let bestWeight = 0;
  for (const coding of CONTENT_CODINGS) {
    if (!available.includes(coding)) continue;
    const weight = weights.get(coding) ?? weights.get('*') ?? 0;
    if (weight > bestWeight) {
      best = coding;
      bestWeight = weight;
    }
  }
  return best;
}
