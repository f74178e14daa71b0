import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeResponse, hexToBytes } from '@cipherpad/core';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealKeys } from '../sealed-keys.js';
import { type ClearKeys, writeState } from '../state-file.js';
import { cleanup, cli, startCli, tempDir } from '../testing/run-cli.js';

// scan is offline: a state file with a known key stands for an activated device.
const OCRA_KEY = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const KEYS: ClearKeys = {
  ocraKey: OCRA_KEY,
  signingKey: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' },
};
const DEVICE = {
  version: 1,
  server: 'http://127.0.0.1:8080',
  email: 'alice@example.com',
  deviceId: 'device-1',
  accountId: 'account-1',
  activatedAt: '2026-01-15T12:00:00.000Z',
} as const;
const CHALLENGE = '04719388';

let dir: string;
let clearState: string;
let pinState: string;

beforeAll(async () => {
  dir = tempDir();
  clearState = join(dir, 'clear.json');
  pinState = join(dir, 'pin.json');
  await writeState(clearState, { ...DEVICE, keys: KEYS });
  await writeState(pinState, { ...DEVICE, keys: await sealKeys(KEYS, '2468', DEVICE.deviceId) });
});

afterAll(cleanup);

async function qrPng(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await QRCode.toFile(path, text, { type: 'png' });
  return path;
}

const login = () =>
  computeResponse(hexToBytes(OCRA_KEY), { mode: 'authorization', challenge: CHALLENGE });
const payment = () =>
  computeResponse(hexToBytes(OCRA_KEY), {
    mode: 'payment',
    challenge: CHALLENGE,
    amount: '10.5',
    purse: 'Z123456789012',
  });

describe('cipherpad scan of the QR URI forms (PRODUCT.md flow 7)', () => {
  const logins = [
    [
      'cipherpad long',
      `cipherpad:login?challenge=${CHALLENGE}&site=Example%20Shop`,
      'Example Shop',
    ],
    ['cipherpad short', `cipherpad:l?c=${CHALLENGE}&u=https://id.example.org`, 'id.example.org'],
    ['enum long', `enum:login?challenge=${CHALLENGE}`, 'a site'],
    ['enum short', `enum:l?c=${CHALLENGE}`, 'a site'],
  ] as const;

  it.each(logins)('answers a %s login URI', async (_form, uri, asker) => {
    const png = await qrPng(`login-${_form.replace(' ', '-')}.png`, uri);
    const result = await cli(['scan', png, '--state', clearState]);
    expect(result).toEqual({
      status: 0,
      stdout: `${await login()}\n`,
      stderr: `Login to ${asker}\nChallenge: ${CHALLENGE}\n`,
    });
  });

  const payments = [
    [
      'cipherpad long',
      `cipherpad:payment?challenge=${CHALLENGE}&purse=Z123456789012&amount=10.5&currency=WMZ&site=Shop`,
      'Payment of 10.5 WMZ to Z123456789012\nAsked by Shop\n',
    ],
    [
      'cipherpad short',
      `cipherpad:p?c=${CHALLENGE}&p=z123456789012&a=10,50&cur=WMZ`,
      'Payment of 10.5 WMZ to Z123456789012\n',
    ],
    [
      'enum long',
      `enum:payment?challenge=${CHALLENGE}&purse=Z123456789012&amount=010.50`,
      'Payment of 10.5 to Z123456789012\n',
    ],
    // The original service took purses without their letter; only the 12 digits are bound.
    [
      'enum short',
      `enum:p?c=${CHALLENGE}&p=123456789012&a=10,5`,
      'Payment of 10.5 to 123456789012\n',
    ],
  ] as const;

  it.each(payments)('answers a %s payment URI', async (_form, uri, shown) => {
    const png = await qrPng(`payment-${_form.replace(' ', '-')}.png`, uri);
    const result = await cli(['scan', png, '--state', clearState]);
    expect(result).toEqual({
      status: 0,
      stdout: `${await payment()}\n`,
      stderr: `${shown}Challenge: ${CHALLENGE}\n`,
    });
  });

  it('binds a payment response to the payment, not only the challenge', async () => {
    expect(await payment()).not.toBe(await login());
    const other = await qrPng('other.png', `enum:p?c=${CHALLENGE}&p=Z123456789012&a=10.51`);
    const result = await cli(['scan', other, '--quiet', '--state', clearState]);
    expect(result.status).toBe(0);
    expect(result.stdout).not.toBe(`${await payment()}\n`);
  });

  it('prints only the response with --quiet', async () => {
    const png = await qrPng('quiet.png', `enum:l?c=${CHALLENGE}`);
    const result = await cli(['scan', png, '--quiet', '--state', clearState]);
    expect(result).toEqual({ status: 0, stdout: `${await login()}\n`, stderr: '' });
  });

  it('takes the FILE relative to the working directory', async () => {
    await qrPng('relative.png', `enum:l?c=${CHALLENGE}`);
    const result = await cli(['scan', 'relative.png', '--quiet', '--state', clearState], {
      cwd: dir,
    });
    expect(result.stdout).toBe(`${await login()}\n`);
  });
});

describe('cipherpad scan with a PIN-protected key', () => {
  it('shows the request, then asks for the PIN in a terminal', async () => {
    const png = await qrPng('pin.png', `cipherpad:l?c=${CHALLENGE}&s=Shop`);
    const session = startCli(['scan', png, '--state', pinState], { isTTY: true });
    await session.waitForStderr(/PIN: $/);
    expect(session.stderr()).toBe(`Login to Shop\nChallenge: ${CHALLENGE}\nPIN: `);
    session.stdin.write('2468\n');
    expect(await session.done).toEqual({
      status: 0,
      stdout: `${await login()}\n`,
      stderr: `Login to Shop\nChallenge: ${CHALLENGE}\nPIN: \n`,
    });
  });

  it('refuses a wrong PIN', async () => {
    const png = await qrPng('wrong-pin.png', `enum:l?c=${CHALLENGE}`);
    const result = await cli(['scan', png, '--quiet', '--pin', '1357', '--state', pinState]);
    expect(result).toEqual({
      status: 1,
      stdout: '',
      stderr: 'cipherpad: wrong PIN (ERR_PIN_WRONG)\n',
    });
  });
});

describe('cipherpad scan of what is not a Cipherpad QR code', () => {
  it('refuses a file that is not a PNG', async () => {
    const path = join(dir, 'not.png');
    writeFileSync(path, 'this is not an image');
    const result = await cli(['scan', path, '--state', clearState]);
    expect(result).toEqual({
      status: 1,
      stdout: '',
      stderr: `cipherpad: ${path} is not a readable PNG image (ERR_QR_UNREADABLE)\n`,
    });
  });

  it('refuses a PNG without a QR code', async () => {
    const image = new PNG({ width: 64, height: 64 });
    image.data.fill(255);
    const path = join(dir, 'blank.png');
    writeFileSync(path, PNG.sync.write(image));
    const result = await cli(['scan', path, '--state', clearState]);
    expect(result).toEqual({
      status: 1,
      stdout: '',
      stderr: `cipherpad: no QR code found in ${path} (ERR_QR_UNREADABLE)\n`,
    });
  });

  it('refuses a file that does not exist', async () => {
    const path = join(dir, 'missing.png');
    const result = await cli(['scan', path, '--state', clearState]);
    expect(result).toEqual({
      status: 1,
      stdout: '',
      stderr: `cipherpad: cannot read ${path}: no such file (ERR_QR_UNREADABLE)\n`,
    });
  });

  it.each([
    ['a web address', 'https://example.com/login'],
    ['a login with a malformed challenge', 'enum:l?c=1234'],
    ['a payment without an amount', 'cipherpad:p?c=04719388&p=Z123456789012'],
  ])('refuses %s with the core code', async (_what, text) => {
    const png = await qrPng(`bad-${_what.replace(/ /g, '-')}.png`, text);
    const result = await cli(['scan', png, '--state', clearState]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^cipherpad: the QR code in .+ is not a Cipherpad request: .+ \(ERR_QR_URI_INVALID\)\n$/,
    );
  });
});
