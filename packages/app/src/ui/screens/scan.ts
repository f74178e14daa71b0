import { AppError } from '../../app-error.js';
import { isOwnServer, readQrText } from '../../qr/read-qr-text.js';
import type { CameraScan } from '../../qr/scanner.js';
import type { AppContext } from '../context.js';
import { button, h, messages, screen } from '../dom.js';

type ScannerModule = typeof import('../../qr/scanner.js');

let scannerModule: Promise<ScannerModule> | undefined;

/** Loads the scanner chunk (jsQR) once, on the first visit to the scan screen. */
function loadScanner(): Promise<ScannerModule> {
  scannerModule ??= import('../../qr/scanner.js');
  // A failed load (offline before the worker cached it) may be retried later.
  scannerModule.catch(() => {
    scannerModule = undefined;
  });
  return scannerModule;
}

/** The running camera, stopped whenever the screen changes. */
let running: CameraScan | undefined;

/** Stops the camera if a scan is running. */
export function stopScan(): void {
  running?.stop();
  running = undefined;
}

/**
 * QR scanning (PRODUCT.md flow 7): the camera (the rear one when there is a choice), or a
 * picture. Login and payment requests open the confirmation screen; an activation QR opens the
 * activation form, filled in.
 */
export function scanScreen(ctx: AppContext): HTMLElement {
  const msg = messages('scan');
  const video = h('video', {
    class: 'camera',
    'aria-label': ctx.t('cameraView'),
    'data-testid': 'scan-video',
    muted: true,
    playsinline: true,
  });
  video.hidden = true;
  const preload = loadScanner();

  const handle = (text: string) => {
    stopScan();
    video.hidden = true;
    start.hidden = false;
    stop.hidden = true;
    try {
      const scanned = readQrText(text);
      if (scanned.kind === 'activate') {
        if (ctx.device !== undefined) throw new AppError('ERR_QR_ACTIVATED', 'already activated');
        const { server, email, code } = scanned.request;
        if (!isOwnServer(server, location.origin)) {
          throw new AppError('ERR_QR_OTHER_SERVICE', 'another service', {
            details: { server: new URL(server).host },
          });
        }
        ctx.go({ name: 'activate', email, code, notice: ctx.t('activationFromQr', { email }) });
        return;
      }
      if (ctx.device === undefined) throw new AppError('ERR_QR_NOT_ACTIVATED', 'not activated');
      ctx.go({ name: 'confirm', request: scanned.request });
    } catch (error) {
      msg.error(ctx.errorText(error));
      start.focus();
    }
  };

  const start = button(
    ctx.t('scanStart'),
    'scan-start',
    () => {
      msg.info(ctx.t('scanLoading'));
      void (async () => {
        try {
          const scanner = await preload.catch(() => loadScanner());
          stopScan();
          running = await scanner.startCameraScan(video, handle);
          video.hidden = false;
          start.hidden = true;
          stop.hidden = false;
          stop.focus();
          msg.info(ctx.t('scanning'));
        } catch (error) {
          msg.error(ctx.errorText(error));
        }
      })();
    },
    { class: 'primary' },
  );
  const stop = button(ctx.t('scanStop'), 'scan-stop', () => {
    stopScan();
    video.hidden = true;
    stop.hidden = true;
    start.hidden = false;
    start.focus();
    msg.clear();
  });
  stop.hidden = true;

  const file = h('input', {
    type: 'file',
    id: 'scan-file',
    accept: 'image/*',
    'data-testid': 'scan-file',
  });
  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    file.value = '';
    if (chosen === undefined) return;
    msg.info(ctx.t('scanLoading'));
    void (async () => {
      try {
        const scanner = await loadScanner();
        handle(await scanner.decodeImageFile(chosen));
      } catch (error) {
        msg.error(ctx.errorText(error));
      }
    })();
  });

  return screen(
    'scan',
    ctx.t('scanTitle'),
    h('p', {}, ctx.t('scanIntro')),
    video,
    h('div', { class: 'actions' }, start, stop),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'scan-file', class: 'file-label' }, ctx.t('scanFile')),
      file,
    ),
    msg.element,
  );
}
