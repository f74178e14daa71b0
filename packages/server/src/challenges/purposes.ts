/**
 * What a challenge is for (`challenges.purpose`): a login, a relying site's
 * confirmation, or a change of the person's confirmation settings. All three
 * can be approved online in the app.
 */
export const APPROVABLE_PURPOSES = ['login', 'settings', 'confirmation'] as const;
