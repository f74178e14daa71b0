/** Writes `NAME.br` and `NAME.gz` beside each compressible file under `paths` (files or folders). */
export function precompress(
  paths: readonly string[],
): Promise<{ count: number; before: number; after: number }>;
