import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';
import { QUIET_ZONE, qrMatrix, qrPath } from './qr-matrix.js';

const SCALE = 4;

/**
 * Rasterizes the SVG path the site draws (`M x y h n v1 h-n z` rectangles in
 * module units) to RGBA pixels, as a browser would paint it.
 */
function rasterize(path: string, size: number): { data: Uint8ClampedArray; width: number } {
  const extent = size + 2 * QUIET_ZONE;
  const width = extent * SCALE;
  const data = new Uint8ClampedArray(width * width * 4).fill(255);
  const rects = [...path.matchAll(/M(\d+) (\d+)h(\d+)v1h-(\d+)z/g)];
  expect(rects.map((m) => m[0]).join('')).toBe(path);
  for (const [, xs, ys, runs, back] of rects) {
    const x0 = Number(xs);
    const y0 = Number(ys);
    const run = Number(runs);
    expect(Number(back)).toBe(run);
    for (let y = y0 * SCALE; y < (y0 + 1) * SCALE; y += 1) {
      for (let x = x0 * SCALE; x < (x0 + run) * SCALE; x += 1) {
        const i = (y * width + x) * 4;
        data[i] = 0;
        data[i + 1] = 0;
        data[i + 2] = 0;
      }
    }
  }
  return { data, width };
}

function decode(text: string): string | undefined {
  const matrix = qrMatrix(text);
  const { data, width } = rasterize(qrPath(matrix), matrix.size);
  return jsQR(data, width, width)?.data;
}

describe('QR code of a URI drawn as SVG', () => {
  it('decodes back to a login URI', () => {
    const uri =
      'cipherpad:login?challenge=12345678&i=0195f3a2c0de4b1f8a9e0c7d6b5a4f3e&u=http://127.0.0.1:8080';
    expect(decode(uri)).toBe(uri);
  });

  it('decodes back to an activation URI', () => {
    const uri =
      'cipherpad:activate?email=anna%40example.org&code=12345678&server=https%3A%2F%2Fcipherpad.example';
    expect(decode(uri)).toBe(uri);
  });

  it('decodes back to a short payment URI with Cyrillic text', () => {
    const uri =
      'cipherpad:p?c=87654321&p=Z123456789012&a=25&s=%D0%9C%D0%B0%D0%B3%D0%B0%D0%B7%D0%B8%D0%BD';
    expect(decode(uri)).toBe(uri);
  });

  it('is a square symbol of a QR size, with the quiet zone left light', () => {
    const matrix = qrMatrix('cipherpad:l?c=12345678');
    expect((matrix.size - 17) % 4).toBe(0);
    expect(matrix.modules).toHaveLength(matrix.size);
    for (const row of matrix.modules) expect(row).toHaveLength(matrix.size);
    const xs = [...qrPath(matrix).matchAll(/M(\d+) (\d+)/g)].flatMap((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    expect(Math.min(...xs)).toBe(QUIET_ZONE);
    expect(Math.max(...xs)).toBeLessThan(QUIET_ZONE + matrix.size);
  });
});
