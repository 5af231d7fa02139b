/* Splitting text into words the way people type flags and quotes in chat apps. */

/** One word of a message or one argument of a command line. */
export interface Token {
  /** Quotes removed, escapes applied: what a flag receives. */
  value: string;
  /** Quotes kept as typed (they often mark text to render in the image), escapes applied. */
  literal: string;
  /** The token is one quoted group: it is never a flag. */
  quoted: boolean;
}

// Curly quotes come from iOS, macOS and Slack; a straight closer is accepted after a curly opener.
const closersByOpener: Record<string, string> = { '"': '"', '“': '”"', "'": "'", '‘': "’'" };
const quoteCharacters = '"“”\'‘’';
const isSpace = (character: string | undefined): boolean => character !== undefined && /\s/u.test(character);

function unescapeQuotes(text: string): string {
  return text.replace(/\\(["“”'‘’])/gu, '$1');
}

/**
 * Finds the quote that closes a group opened before `from`: unescaped and followed by a space or the end.
 * Searches only move forward, so an answer is reused while it still lies ahead: linear even on `"a "a "a …`.
 */
function createCloserFinder(text: string): (from: number, closers: string) => number {
  const found = new Map<string, { from: number; at: number }>();
  return (from, closers) => {
    const cached = found.get(closers);
    if (cached && from >= cached.from && (cached.at === -1 || from <= cached.at)) return cached.at;
    let at = -1;
    for (let index = from; index < text.length && at === -1; index += 1) {
      const character = text[index] ?? '';
      const escaped = index > from && text[index - 1] === '\\';
      const beforeSpace = index + 1 === text.length || isSpace(text[index + 1]);
      if (closers.includes(character) && !escaped && beforeSpace) at = index;
    }
    found.set(closers, { from, at });
    return at;
  };
}

/**
 * Shell-like split on whitespace. A quote opens a group only at the start of a word or after `=`, and closes only
 * before a space, so apostrophes (`fox's`) and quotes inside words (`寫著“福”字`) stay plain text; an unclosed
 * quote is plain text too.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const findCloser = createCloserFinder(text);
  let index = 0;
  while (index < text.length) {
    if (isSpace(text[index])) {
      index += 1;
      continue;
    }
    const start = index;
    let value = '';
    let literal = '';
    let quoted = false;
    while (index < text.length && !isSpace(text[index])) {
      const character = text[index] ?? '';
      const next = text[index + 1];
      if (character === '\\' && next !== undefined && quoteCharacters.includes(next)) {
        value += next;
        literal += next;
        index += 2;
        continue;
      }
      const closers = closersByOpener[character];
      const canOpen = index === start || text[index - 1] === '=';
      const closeAt = closers && canOpen ? findCloser(index + 1, closers) : -1;
      if (closeAt === -1) {
        value += character;
        literal += character;
        index += 1;
        continue;
      }
      const inner = unescapeQuotes(text.slice(index + 1, closeAt));
      value += inner;
      literal += `${character}${inner}${text[closeAt] ?? ''}`;
      quoted = index === start;
      index = closeAt + 1;
    }
    tokens.push({ value, literal, quoted });
  }
  return tokens;
}

/** Command-line arguments are already split by the shell: each is one token, its text kept as typed. */
export function argvTokens(argv: readonly string[]): Token[] {
  return argv.map((argument) => ({ value: argument, literal: argument, quoted: false }));
}
