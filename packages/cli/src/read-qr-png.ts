import { readFile } from 'node:fs/promises';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { CliError } from './cli-error.js';

// jsqr is CommonJS with `export default` typings; under NodeNext the callable is `.default`.
const jsQR = jsQRModule.default;

/**
 * Reads the text of the QR code in a PNG image (a screenshot of a site's QR, a photo saved as
 * PNG).
 *
 * @throws {@link CliError} `ERR_QR_UNREADABLE` when the file cannot be read, is not a PNG, or
 * holds no readable QR code.
 * @example
 * ```ts
 * const uri = await readQrPng('login.png'); // 'cipherpad:login?challenge=…'
 * ```
 */
export async function readQrPng(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(code);
    throw new CliError('ERR_QR_UNREADABLE', `cannot read ${path}: ${why}`, { cause: error });
  }
  let image: PNG;
  try {
    image = PNG.sync.read(bytes);
  } catch (error) {
    throw new CliError('ERR_QR_UNREADABLE', `${path} is not a readable PNG image`, {
      cause: error,
    });
  }
  const pixels = new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length);
  const code = jsQR(pixels, image.width, image.height, { inversionAttempts: 'attemptBoth' });
  if (code === null || code.data === '') {
    throw new CliError('ERR_QR_UNREADABLE', `no QR code found in ${path}`);
  }
  return code.data;
}
