import { ServiceError } from '../errors/service-error.js';
import type { Services } from '../services.js';

/** One entry of the activity log, as the security site shows it. */
export interface ActivityEvent {
  readonly id: string;
  readonly type: string;
  readonly at: number;
  readonly ip: string | null;
  readonly device: { readonly id: string; readonly name: string } | null;
  readonly site: string | null;
  /** Something the person should look at: a denied login, a block, a lock. */
  readonly suspicious: boolean;
  readonly details: Readonly<Record<string, unknown>>;
}

const SUSPICIOUS_TYPES = new Set(['login.denied', 'account.blocked', 'account.locked']);

/**
 * The account's activity log, newest first, `limit` (1 to 100) events before
 * the event `before` (an id from an earlier page), or the newest ones.
 *
 * @throws ServiceError `ERR_VALIDATION` for a malformed `before` or `limit`.
 */
export async function listActivity(
  services: Services,
  accountId: string,
  query: { before?: unknown; limit?: unknown },
): Promise<{ events: ActivityEvent[] }> {
  const limit = query.limit === undefined ? 50 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new ServiceError('ERR_VALIDATION', {}, 'limit must be an integer from 1 to 100.');
  }
  let before: number | null = null;
  if (query.before !== undefined) {
    if (typeof query.before !== 'string' || !/^[1-9][0-9]{0,15}$/.test(query.before)) {
      throw new ServiceError('ERR_VALIDATION', {}, 'before must be the id of an event.');
    }
    before = Number(query.before);
  }
  const rows = await services.db
    .selectFrom('audit_events as e')
    .leftJoin('devices as d', 'd.id', 'e.device_id')
    .select(['e.id', 'e.type', 'e.created_at', 'e.ip', 'e.device_id', 'e.details', 'd.name'])
    .where('e.account_id', '=', accountId)
    .$if(before !== null, (qb) => qb.where('e.id', '<', before as number))
    .orderBy('e.id', 'desc')
    .limit(limit)
    .execute();
  return {
    events: rows.map((row) => {
      const details = parseDetails(row.details);
      const { suspicious, site, ...rest } = details;
      return {
        id: String(row.id),
        type: row.type,
        at: row.created_at,
        ip: row.ip,
        device: row.device_id !== null ? { id: row.device_id, name: row.name ?? '' } : null,
        site: typeof site === 'string' ? site : null,
        suspicious: suspicious === true || SUSPICIOUS_TYPES.has(row.type),
        details: rest,
      };
    }),
  };
}

function parseDetails(text: string | null): Record<string, unknown> {
  if (text === null) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
