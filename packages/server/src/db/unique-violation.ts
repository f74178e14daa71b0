/**
 * Tells whether a database error is a unique-constraint violation, on either
 * dialect, and on which column when it can tell (`accounts.email`).
 */
export function uniqueViolation(error: unknown): { column: string | null } | null {
  if (typeof error !== 'object' || error === null) return null;
  const e = error as { code?: unknown; message?: unknown; constraint?: unknown };
  if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    const match = /UNIQUE constraint failed: (\S+)/.exec(String(e.message));
    return { column: match?.[1] ?? null };
  }
  if (e.code === '23505') {
    // PostgreSQL names the constraint `<table>_<column>_key`.
    const match = /^(\w+?)_(\w+)_key$/.exec(String(e.constraint ?? ''));
    return { column: match ? `${match[1]}.${match[2]}` : null };
  }
  return null;
}
