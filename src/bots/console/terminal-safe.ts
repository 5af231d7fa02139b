// Built from strings: Biome rejects control characters in regular expression literals.
const escapeCharacter = '\\u001b';
const bell = '\\u0007';
const stringTerminator = `(?:${bell}|${escapeCharacter}\\\\|\\u009c)`;

/**
 * Sequences a terminal acts on (ECMA-48), in their 7-bit (ESC …) and 8-bit (C1) forms: OSC, DCS, SOS, PM and APC
 * strings (a window title, a hyperlink, a clipboard write) up to their terminator; CSI sequences (cursor moves,
 * screen clears, colours); any other escape with its intermediate and final bytes. Then every control character
 * left: C0 except tab and newline, DEL, C1.
 */
const terminalSequence = new RegExp(
  [
    `(?:${escapeCharacter}[\\]PX^_]|[\\u0090\\u0098\\u009d\\u009e\\u009f])[^\\u0007\\u001b\\u009c]*${stringTerminator}`,
    `(?:${escapeCharacter}\\[|\\u009b)[\\u0030-\\u003f]*[\\u0020-\\u002f]*[\\u0040-\\u007e]`,
    `${escapeCharacter}[\\u0020-\\u002f]*[\\u0030-\\u007e]`,
    '[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f]',
  ].join('|'),
  'gu',
);

/**
 * Text from outside (an API's error, a revised prompt, an echoed prompt, a file name) as the terminal may print
 * it: without escape sequences or control characters, which could retitle the window, clear the screen, hide
 * text or rewrite what the user sees. Tab and newline stay; a sequence cut short loses only its control bytes.
 */
export function terminalSafe(text: string): string {
  return text.replace(terminalSequence, '');
}

/**
 * A value as one line of JSON for a terminal. JSON.stringify escapes C0 controls but writes DEL and C1 as they
 * are; escaping them too keeps the JSON valid and the values unchanged.
 */
export function terminalSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\u009f]/gu,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
