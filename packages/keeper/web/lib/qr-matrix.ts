import { encode } from 'uqr';

/** A QR symbol: `size` × `size` modules, `true` for dark, row by row. */
export interface QrMatrix {
  readonly size: number;
  readonly modules: readonly (readonly boolean[])[];
}

/** The quiet zone around a symbol, in modules (ISO/IEC 18004 §6.3.8 asks for 4). */
export const QUIET_ZONE = 4;

/**
 * Encodes text (a `cipherpad:` URI) as a QR symbol, error correction level M,
 * which phone cameras read well off a screen.
 */
export function qrMatrix(text: string): QrMatrix {
  const { size, data } = encode(text, { ecc: 'M', border: 0 });
  return { size, modules: data };
}

/**
 * The dark modules as one SVG path in module units, one `M x y h n v1 h-n z`
 * rectangle per horizontal run, offset by the quiet zone, for a viewBox of
 * `0 0 size+8 size+8`.
 */
export function qrPath(matrix: QrMatrix): string {
  const parts: string[] = [];
  matrix.modules.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x += 1;
        continue;
      }
      const start = x;
      while (x < row.length && row[x]) x += 1;
      const run = x - start;
      parts.push(`M${start + QUIET_ZONE} ${y + QUIET_ZONE}h${run}v1h-${run}z`);
    }
  });
  return parts.join('');
}
