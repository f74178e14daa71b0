/**
 * Whether a parsed value holds U+0000 in a string or an object key, at any
 * depth. Walked with a stack rather than recursion: a body of 16 KiB may
 * nest thousands of levels deep. PostgreSQL's `text` and `jsonb` cannot
 * hold U+0000: what holds it is refused before it reaches a query.
 */
export function holdsNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') {
      if (item.includes('\0')) return true;
    } else if (Array.isArray(item)) {
      for (const element of item) stack.push(element);
    } else if (item !== null && typeof item === 'object') {
      for (const key in item) {
        if (key.includes('\0')) return true;
        stack.push((item as Record<string, unknown>)[key]);
      }
    }
  }
  return false;
}
