/** How many wrong PINs in a row wipe the app: the person's choice at activation. */
export type WipeAfter = 3 | 5 | 10;

/** The choices of {@link WipeAfter}, in the order the screens offer them. */
export const WIPE_AFTER_CHOICES: readonly WipeAfter[] = [3, 5, 10];

/** What the app knows about its activation, apart from the keys. */
export interface DeviceInfo {
  /** The device id the service assigned at activation. */
  readonly deviceId: string;
  readonly accountId: string;
  /** The account's email, as the service wrote it. */
  readonly email: string;
  /** The device's name in the account's device list. */
  readonly name: string;
  /** When the device was activated (ms since the epoch). */
  readonly activatedAt: number;
}

/**
 * The device's keys in use: both non-extractable `CryptoKey`s, so the bytes never reach
 * JavaScript.
 */
export interface DeviceKeys {
  /** The OCRA key: HMAC SHA-256, usage `sign` (docs/protocol.md, "Device key agreement"). */
  readonly ocraKey: CryptoKey;
  /** The ECDSA P-256 private key that signs device requests (docs/web-api.md). */
  readonly signingKey: CryptoKey;
}

/**
 * The keys sealed under a PIN: each key wrapped with AES-256-GCM under a key derived from the
 * PIN by PBKDF2-SHA-256. Without the PIN they cannot be used.
 */
export interface SealedKeys {
  readonly version: 1;
  readonly iterations: number;
  readonly salt: Uint8Array<ArrayBuffer>;
  /** The OCRA key, `raw`, wrapped; and its GCM nonce. */
  readonly ocraIv: Uint8Array<ArrayBuffer>;
  readonly ocraKey: ArrayBuffer;
  /** The signing key, `pkcs8`, wrapped; and its GCM nonce. */
  readonly signingIv: Uint8Array<ArrayBuffer>;
  readonly signingKey: ArrayBuffer;
}

/** The device as stored: its keys are open (no PIN) or sealed under the PIN. */
export type StoredDevice = DeviceInfo &
  (
    | { readonly protection: 'none'; readonly keys: DeviceKeys }
    | { readonly protection: 'pin'; readonly wipeAfter: WipeAfter; readonly sealed: SealedKeys }
  );
