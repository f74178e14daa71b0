import jsQR from 'jsqr';
import { AppError } from '../app-error.js';

// Frames are scaled down to this many pixels on the longer side before decoding: enough for a
// QR code on a screen, and fast enough to decode several frames a second on a phone.
const MAX_FRAME_SIDE = 720;

/** A running camera scan. */
export interface CameraScan {
  /** Stops the camera. */
  stop(): void;
}

/**
 * Opens the camera (the rear one when there is a choice) in `video` and decodes frames with
 * jsQR until one holds a QR code, which is passed to `onText`; the camera then stops.
 * This module is loaded only when a scan starts, so jsQR stays out of the first bundle.
 *
 * @throws {AppError} `ERR_CAMERA_DENIED` when the person or the browser refuses the camera,
 *   `ERR_CAMERA_UNAVAILABLE` when there is none.
 */
export async function startCameraScan(
  video: HTMLVideoElement,
  onText: (text: string) => void,
): Promise<CameraScan> {
  if (navigator.mediaDevices?.getUserMedia === undefined) {
    throw new AppError('ERR_CAMERA_UNAVAILABLE', 'This browser gives no camera access');
  }
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: { ideal: 'environment' } },
      audio: false,
    });
  } catch (error) {
    const name = error instanceof DOMException ? error.name : '';
    const code =
      name === 'NotAllowedError' || name === 'SecurityError'
        ? 'ERR_CAMERA_DENIED'
        : 'ERR_CAMERA_UNAVAILABLE';
    throw new AppError(code, 'The camera cannot be used', { cause: error });
  }
  video.srcObject = stream;
  video.setAttribute('playsinline', '');
  video.muted = true;
  await video.play().catch(() => undefined);

  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  let stopped = false;
  let frame = 0;
  const stop = () => {
    stopped = true;
    cancelAnimationFrame(frame);
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  };
  const tick = () => {
    if (stopped) return;
    if (context !== null && video.readyState >= video.HAVE_CURRENT_DATA && video.videoWidth > 0) {
      const text = decodeSource(canvas, context, video, video.videoWidth, video.videoHeight);
      if (text !== undefined) {
        stop();
        onText(text);
        return;
      }
    }
    frame = requestAnimationFrame(tick);
  };
  frame = requestAnimationFrame(tick);
  return { stop };
}

/**
 * Decodes the QR code in an image file (a photo or a screenshot), for phones without a usable
 * camera.
 *
 * @throws {AppError} `ERR_QR_UNREADABLE` when the image holds no readable QR code.
 */
export async function decodeImageFile(file: Blob): Promise<string> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch (error) {
    throw new AppError('ERR_QR_UNREADABLE', 'The image cannot be read', { cause: error });
  }
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  const text =
    context === null
      ? undefined
      : decodeSource(canvas, context, bitmap, bitmap.width, bitmap.height, 'attemptBoth');
  bitmap.close();
  if (text === undefined) {
    throw new AppError('ERR_QR_UNREADABLE', 'No QR code could be read in the image');
  }
  return text;
}

function decodeSource(
  canvas: HTMLCanvasElement,
  context: CanvasRenderingContext2D,
  source: CanvasImageSource,
  width: number,
  height: number,
  inversionAttempts: 'dontInvert' | 'attemptBoth' = 'dontInvert',
): string | undefined {
  const scale = Math.min(1, MAX_FRAME_SIDE / Math.max(width, height));
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  const image = context.getImageData(0, 0, canvas.width, canvas.height);
  const code = jsQR(image.data, image.width, image.height, { inversionAttempts });
  return code === null || code.data === '' ? undefined : code.data;
}
