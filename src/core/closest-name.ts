/*
 * "Did you mean": the known name closest to a mistyped one (`--modle` → `model`, `seedram-4` → `seedream-4`).
 * Distance is optimal string alignment (Levenshtein plus swapping two neighbours), so a transposition counts as
 * one typo, as people make them.
 */

function typoDistance(left: string, right: string): number {
  const rows = left.length + 1;
  const columns = right.length + 1;
  const table: number[][] = Array.from({ length: rows }, (_, row) =>
    Array.from({ length: columns }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)),
  );
  const at = (row: number, column: number) => table[row]?.[column] ?? Number.POSITIVE_INFINITY;
  for (let row = 1; row < rows; row += 1) {
    for (let column = 1; column < columns; column += 1) {
      const cost = left[row - 1] === right[column - 1] ? 0 : 1;
      let best = Math.min(at(row - 1, column) + 1, at(row, column - 1) + 1, at(row - 1, column - 1) + cost);
      const swapped =
        row > 1 && column > 1 && left[row - 1] === right[column - 2] && left[row - 2] === right[column - 1];
      if (swapped) best = Math.min(best, at(row - 2, column - 2) + 1);
      const cells = table[row];
      if (cells) cells[column] = best;
    }
  }
  return at(left.length, right.length);
}

/**
 * The candidate closest to `typed` (case-insensitive), when it is close enough to be a typo: one edit for a word
 * of up to five letters, two for a longer one, none for one or two letters (`x` never suggests `n`, `dance` never
 * `cancel`). Undefined when nothing is that close.
 */
export function closestName(typed: string, candidates: Iterable<string>): string | undefined {
  const word = typed.trim().toLowerCase();
  if (word === '') return undefined;
  const allowed = word.length <= 2 ? 0 : word.length <= 5 ? 1 : 2;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = typoDistance(word, candidate.toLowerCase());
    if (distance <= allowed && (best === undefined || distance < best.distance)) {
      best = { name: candidate, distance };
    }
  }
  return best?.name;
}

/** ` Did you mean --model?` (with a leading space), or '' when nothing is close. */
export function didYouMean(
  typed: string,
  candidates: Iterable<string>,
  show = (name: string) => name,
): string {
  const closest = closestName(typed, candidates);
  return closest === undefined ? '' : ` Did you mean ${show(closest)}?`;
}
