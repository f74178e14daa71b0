import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

/** The frame size of the fake camera: a phone camera's 4:3 at a modest size. */
const WIDTH = 640;
const HEIGHT = 480;

/**
 * What Chromium's fake camera shows (`--use-file-for-fake-video-capture`):
 * a one-frame Y4M file, which Chromium reads again each time a page opens
 * the camera, so rewriting it between two scans points the camera at a new
 * picture.
 */
export class FakeCamera {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
    this.showBlank();
  }

  /**
   * The camera sees a picture (a PNG, e.g. a screenshot of the page's QR
   * code), scaled to 80% of the frame's height, centred on white.
   */
  showPng(png: Buffer): void {
    const image = PNG.sync.read(png);
    const scale = Math.min((WIDTH * 0.8) / image.width, (HEIGHT * 0.8) / image.height);
    const width = Math.floor(image.width * scale);
    const height = Math.floor(image.height * scale);
    const left = Math.floor((WIDTH - width) / 2);
    const top = Math.floor((HEIGHT - height) / 2);
    const luma = Buffer.alloc(WIDTH * HEIGHT, 235);
    for (let y = 0; y < height; y++) {
      const sourceRow = Math.min(image.height - 1, Math.floor(y / scale));
      for (let x = 0; x < width; x++) {
        const source =
          (sourceRow * image.width + Math.min(image.width - 1, Math.floor(x / scale))) * 4;
        const [r, g, b, a] = [0, 1, 2, 3].map((i) => image.data[source + i] ?? 255) as [
          number,
          number,
          number,
          number,
        ];
        // BT.601 luma in the video range 16..235, over white where transparent.
        const over = (c: number) => (c * a + 255 * (255 - a)) / 255;
        const y601 = 0.299 * over(r) + 0.587 * over(g) + 0.114 * over(b);
        luma[(top + y) * WIDTH + left + x] = Math.round(16 + (y601 * 219) / 255);
      }
    }
    this.#write(luma);
  }

  /** The camera sees a grey picture with nothing to read in it. */
  showBlank(): void {
    this.#write(Buffer.alloc(WIDTH * HEIGHT, 128));
  }

  /** One 4:2:0 frame with grey chroma (Chromium loops it). */
  #write(luma: Buffer): void {
    const header = Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F30:1 Ip A1:1 C420jpeg\nFRAME\n`);
    const chroma = Buffer.alloc((WIDTH * HEIGHT) / 2, 128);
    writeFileSync(this.path, Buffer.concat([header, luma, chroma]));
  }
}
