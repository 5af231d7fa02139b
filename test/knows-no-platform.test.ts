import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const sourceDirectory = fileURLToPath(new URL('../src', import.meta.url));
const platformWord = /discord|slack/i;

function typeScriptFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The identifiers and string texts of a file (import specifiers included), comments left out. */
function codeWords(source: string): string[] {
  const file = ts.createSourceFile('code.ts', source, ts.ScriptTarget.Latest, false);
  const words: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) words.push(node.text);
    else if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) words.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return words;
}

describe('src/core and src/commands', () => {
  it.each([
    ['core', 50],
    ['commands', 35],
  ])(
    'src/%s knows nothing about Discord or Slack: no code of it names them (comments may, as examples)',
    (folder, least) => {
      const directory = join(sourceDirectory, folder);
      const files = typeScriptFiles(directory);
      expect(files.length).toBeGreaterThan(least);
      const offending = files.flatMap((file) =>
        codeWords(readFileSync(file, 'utf8'))
          .filter((word) => platformWord.test(word))
          .map((word) => `${relative(sourceDirectory, file)}: ${word}`),
      );
      expect(offending).toEqual([]);
    },
  );

  it('would see a platform named in code', () => {
    const words = codeWords(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the TypeScript source read here holds a template literal
      "import x from 'discord.js'; // slack\nconst slackToken = `a ${x / 2} b`.replace(/c/g, '');",
    );
    expect(words).toEqual(['x', 'discord.js', 'slackToken', 'a ', 'x', ' b', 'replace', '']);
  });
});
