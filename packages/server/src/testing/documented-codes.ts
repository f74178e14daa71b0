/**
 * The codes of the tables in `docs/errors.md` under the given `## ` headings
 * (`Service (HTTP API)`, `Protocol`, `Keeper`…): what an answer may carry.
 */
export function documentedCodes(markdown: string, sections: readonly string[]): Set<string> {
  const codes = new Set<string>();
  for (const part of markdown.split(/^## /m)) {
    if (!sections.some((section) => part.startsWith(section))) continue;
    for (const match of part.matchAll(/^\|\s*`(ERR_[A-Z0-9_]+)`/gm)) codes.add(match[1] as string);
  }
  return codes;
}
