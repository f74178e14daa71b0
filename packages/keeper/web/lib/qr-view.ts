import { QUIET_ZONE, qrMatrix, qrPath } from '@cipherpad/site/qr-matrix';
import { bind, tr } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

/** The QR code of `text` as inline SVG (colours from the stylesheet), `data-uri` holding the text. */
export function qrImage(text: string, testid: string): SVGSVGElement {
  const matrix = qrMatrix(text);
  const extent = matrix.size + 2 * QUIET_ZONE;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${extent} ${extent}`);
  svg.setAttribute('class', 'qr');
  svg.setAttribute('role', 'img');
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.dataset.testid = testid;
  svg.dataset.uri = text;
  bind(svg, tr('confirm.qr'), 'aria-label');
  const background = document.createElementNS(SVG, 'rect');
  background.setAttribute('class', 'qr-light');
  background.setAttribute('width', String(extent));
  background.setAttribute('height', String(extent));
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('class', 'qr-dark');
  path.setAttribute('d', qrPath(matrix));
  svg.append(background, path);
  return svg;
}
