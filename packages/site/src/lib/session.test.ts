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
});
