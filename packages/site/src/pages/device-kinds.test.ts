import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en.js';
import { ru } from '../i18n/ru.js';

describe('device kinds on the settings page', () => {
  it('name every kind of device the service activates, in both languages', () => {
    const source = readFileSync(
      new URL('../../../server/src/activation/activate-device.ts', import.meta.url),
      'utf8',
    );
    const list = source.slice(source.indexOf('DEVICE_KINDS'));
    const kinds = [...list.slice(0, list.indexOf(')')).matchAll(/'([a-z]+)'/g)].map((m) => m[1]);
    expect(kinds.sort()).toEqual(['app', 'cli']);
    const settings = readFileSync(new URL('./settings.ts', import.meta.url), 'utf8');
    for (const kind of kinds) {
      const key = `devices.kind.${kind}`;
      expect(settings, key).toContain(`'${key}'`);
      const english = en[key as keyof typeof en];
      const russian = ru[key as keyof typeof ru];
      expect(english, key).toBeTruthy();
      // Russian says it in Russian, not with the service's word for it.
      expect(russian, key).toMatch(/[а-яё]/i);
      expect(russian).not.toBe(kind);
    }
  });
});
