// The keeper's favicon, drawn here and written by build.mjs as dist/web/favicon.ico:
// a white wallet on the pages' accent blue, 32×32, in the ICO format every browser
// reads (one 32-bit BGRA bitmap with its alpha; the AND mask is then unused and blank).

const SIZE = 32;
const BLUE = [0x0b, 0x5c, 0xad];
const WHITE = [0xff, 0xff, 0xff];

/** Whether the point (x, y) lies in the rectangle [x0, x1] × [y0, y1] with corners of radius r. */
function inRoundedRect(x, y, x0, y0, x1, y1, r) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** The colour and coverage of one point of the drawing, or null outside it. */
function paint(x, y) {
  if (!inRoundedRect(x, y, 0, 0, SIZE, SIZE, 7)) return null;
  const wallet = inRoundedRect(x, y, 6, 10, 26, 25, 2.5);
  const flap = inRoundedRect(x, y, 8, 7, 22, 12, 1.5);
  const clasp = (x - 21) ** 2 + (y - 17.5) ** 2 <= 2.2 ** 2;
  if ((wallet || flap) && !clasp) return WHITE;
  return BLUE;
}

/** The favicon as the bytes of an .ico file. */
export function faviconIco() {
  const pixels = SIZE * SIZE * 4;
  const mask = SIZE * 4; // 1 bit per pixel, rows padded to 4 bytes
  const image = 40 + pixels + mask;
  const file = Buffer.alloc(6 + 16 + image);
  // ICONDIR: reserved, type 1 (icon), one image.
  file.writeUInt16LE(0, 0);
  file.writeUInt16LE(1, 2);
  file.writeUInt16LE(1, 4);
  // ICONDIRENTRY: 32×32, no palette, 1 plane, 32 bits, size, offset.
  file.writeUInt8(SIZE, 6);
  file.writeUInt8(SIZE, 7);
  file.writeUInt16LE(1, 10);
  file.writeUInt16LE(32, 12);
  file.writeUInt32LE(image, 14);
  file.writeUInt32LE(22, 18);
  // BITMAPINFOHEADER: the height counts the colour rows and the mask rows.
  file.writeUInt32LE(40, 22);
  file.writeInt32LE(SIZE, 26);
  file.writeInt32LE(SIZE * 2, 30);
  file.writeUInt16LE(1, 34);
  file.writeUInt16LE(32, 36);
  file.writeUInt32LE(pixels + mask, 42);
  // Rows bottom-up, each pixel blue, green, red, alpha; 4×4 samples per pixel smooth the edges.
  for (let row = 0; row < SIZE; row += 1) {
    for (let col = 0; col < SIZE; col += 1) {
      const sum = [0, 0, 0];
      let covered = 0;
      for (let sy = 0; sy < 4; sy += 1) {
        for (let sx = 0; sx < 4; sx += 1) {
          const colour = paint(col + (sx + 0.5) / 4, row + (sy + 0.5) / 4);
          if (!colour) continue;
          covered += 1;
          for (let i = 0; i < 3; i += 1) sum[i] += colour[i];
        }
      }
      const at = 62 + ((SIZE - 1 - row) * SIZE + col) * 4;
      if (covered === 0) continue;
      file.writeUInt8(Math.round(sum[2] / covered), at);
      file.writeUInt8(Math.round(sum[1] / covered), at + 1);
      file.writeUInt8(Math.round(sum[0] / covered), at + 2);
      file.writeUInt8(Math.round((covered / 16) * 255), at + 3);
    }
  }
  return file;
}
