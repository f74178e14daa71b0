import { describe, expect, it } from 'vitest';
import { nextPage } from './session.js';

describe('where to go after signing in', () => {
  it('follows next to a page of this site', () => {
    expect(nextPage('?next=%2Factivity.html')).toBe('/activity.html');
    expect(nextPage('?next=/settings.html')).toBe('/settings.html');
  });

  it('goes to the settings for anything else, never off the site', () => {
    expect(nextPage('')).toBe('/settings.html');
    expect(nextPage('?next=https://evil.example/')).toBe('/settings.html');
    expect(nextPage('?next=//evil.example/settings.html')).toBe('/settings.html');
    expect(nextPage('?next=/v1/account')).toBe('/settings.html');
  });

  it('returns to a confirmation page by its id, without any other query', () => {
    expect(nextPage(`?next=${encodeURIComponent('/confirm.html?id=cf_01-AB')}`)).toBe(
      '/confirm.html?id=cf_01-AB',
    );
    for (const next of [
      '/confirm.html',
      '/confirm.html?id=',
      '/confirm.html?id=a&token=secret',
      '/confirm.html?id=a/../../x',
      '/confirm.html?id=a#x',
    ]) {
      expect(nextPage(`?next=${encodeURIComponent(next)}`), next).toBe('/settings.html');
    }
  });
});
