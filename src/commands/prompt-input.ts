import { type ExtraFlag, formatOptionsAsFlags, parseInlineFlags } from './flags.js';
import {
  type ImageOptionField,
  type ImageOptions,
  optionDefinitions,
  parseStructuredOptions,
} from './options.js';

/** A prompt with its options, read from text with inline flags or from a platform's option bag. */
export interface PromptInput {
  prompt: string;
  options: ImageOptions;
  /** Values of the command's own flags (compare's `models`), inline or typed. */
  rest: Record<string, string>;
  /** What the user should know about how the input was read (an option given both ways), for the footnote. */
  notes: string[];
}

/**
 * Reads a command's input the same way on every platform. From a platform's option bag (Discord), the `prompt`
 * option may carry inline flags too (`prompt:"a fox --model seedream-4 --ar 16:9"`), as `/help` teaches; an option
 * given both ways takes the typed option's value, and a note says which one was left out.
 */
export function readPromptInput(
  input: { text?: string; options?: Record<string, unknown> },
  extraFlags: Record<string, ExtraFlag> = {},
): PromptInput {
  if (!input.options) {
    const parsed = parseInlineFlags(input.text ?? '', extraFlags);
    return { prompt: parsed.prompt.trim(), options: parsed.options, rest: parsed.rest, notes: [] };
  }
  const { prompt, ...bag } = input.options;
  const inline = parseInlineFlags(typeof prompt === 'string' ? prompt : '', extraFlags);
  const typed = parseStructuredOptions(bag);
  const notes: string[] = [];
  for (const field of Object.keys(inline.options) as ImageOptionField[]) {
    const typedValue = typed[field];
    if (typedValue === undefined || typedValue === inline.options[field]) continue;
    const name = optionDefinitions.find((definition) => definition.field === field)?.name ?? field;
    notes.push(bothWays(name, String(typedValue), formatOptionsAsFlags({ [field]: inline.options[field] })));
  }
  const rest = { ...inline.rest };
  for (const key of Object.keys(extraFlags)) {
    const typedValue = typeof bag[key] === 'string' ? bag[key].trim() : '';
    if (typedValue === '') continue;
    const inlineValue = inline.rest[key];
    if (inlineValue !== undefined && inlineValue !== typedValue) {
      notes.push(bothWays(key, typedValue, `--${key} ${inlineValue}`));
    }
    rest[key] = typedValue;
  }
  return { prompt: inline.prompt.trim(), options: { ...inline.options, ...typed }, rest, notes };
}

/** `The size option (1:1) wins over --ar 16:9 in the prompt.` */
function bothWays(name: string, typedValue: string, inlineFlag: string): string {
  return `The ${name} option (${typedValue}) wins over ${inlineFlag} in the prompt.`;
}
