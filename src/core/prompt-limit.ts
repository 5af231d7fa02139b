import { ImagineError } from './errors.js';

/** Refuses a prompt longer than `maxChars` characters (code points, so an emoji counts once), before any call. */
export function checkPromptLength(prompt: string, maxChars: number): void {
  const length = [...prompt].length;
  if (length <= maxChars) return;
  throw new ImagineError(
    'invalid_option',
    `The prompt is ${length} characters long; the limit is ${maxChars}. Shorten it and try again.`,
    { option: 'prompt' },
  );
}
