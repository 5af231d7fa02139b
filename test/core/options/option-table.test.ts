import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandDefinitions } from '../../../src/bots/discord/command-definitions.js';
import { generateUsage, parseGenerateArgs } from '../../../src/cli/generate-args.js';
import { parseInlineFlags } from '../../../src/commands/flags.js';
import { parseStructuredOptions } from '../../../src/commands/options.js';
import { jobOptionsSchema } from '../../../src/core/jobs/job.js';
import { imageOptionList } from '../../../src/core/options/option-table.js';
import { imageRequestSchema } from '../../../src/core/request.js';

async function sourceFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

// Where an option may be named: the table, the model rows that say which models take it, the families that send it.
const allowedPlaces = [
  /^src\/core\/options\/option-table\.ts$/,
  /^src\/core\/models\/model-row\.ts$/,
  /^src\/core\/models\/rows\/[a-z-]+\.ts$/,
  /^src\/core\/families\/[a-z-]+\.ts$/,
  // The fake image API checks the wire shape, where a wire name can equal the option's.
  /^src\/dev\/fake-image-api\/wire-schemas\.ts$/,
];
// Options with behaviour of their own beyond being sent: captions and re-rolls (seed), a model default
// (watermark), a call plan (group), output fitting (quality).
const withBehaviourOfTheirOwn = ['seed', 'watermark', 'groupImages', 'quality'];

describe('the options table', () => {
  it('is the only place outside the model rows and family mappers that names an option a model may take', async () => {
    const files = await sourceFiles('src');
    const texts = await Promise.all(files.map(async (file) => [file, await readFile(file, 'utf8')] as const));
    // Options without a `takes` rule (model, size, n, format…) are handled by rules of their own.
    const passThrough = imageOptionList.filter(
      (option) => option.takes && !withBehaviourOfTheirOwn.includes(option.field),
    );
    expect(passThrough.map((option) => option.field)).toContain('promptExtend');
    for (const option of passThrough) {
      const naming = texts
        .filter(([, text]) => new RegExp(`\\b${option.field}\\b`).test(text))
        .map(([file]) => file.split(path.sep).join('/'));
      const elsewhere = naming.filter((file) => !allowedPlaces.some((place) => place.test(file)));
      expect(elsewhere, `${option.field} is named outside the table`).toEqual([]);
    }
  });

  it('gives every entry point the same options: inline flags, option bags, the CLI, requests and jobs', () => {
    for (const option of imageOptionList) {
      const sample =
        option.value.platform.type === 'boolean'
          ? 'true'
          : option.value.platform.type === 'integer'
            ? String(option.value.platform.min + 1)
            : option.value.platform.type === 'number'
              ? String(option.value.platform.min)
              : option.field === 'size'
                ? '16:9'
                : (option.value.choices?.[0] ?? 'seedream-4');
      const inline = parseInlineFlags(`a fox --${option.flag} ${sample}`).options;
      expect(Object.keys(inline)).toEqual([option.field]);
      expect(parseStructuredOptions({ [option.flag]: sample })).toEqual(inline);
      expect(parseGenerateArgs(['a fox', `--${option.flag}`, sample]).request).toEqual(inline);
      expect(imageRequestSchema.parse({ model: 'm', prompt: 'p', ...inline })).toMatchObject(inline);
      expect(jobOptionsSchema.parse({ model: 'm', prompt: 'p', ...inline })).toMatchObject(inline);
    }
  });

  it('is what Discord registers for /imagine, what the CLI usage lists, and what the README documents', async () => {
    const readme = await readFile('README.md', 'utf8');
    const imagine = commandDefinitions.find((command) => command.name === 'imagine');
    const registered = imagine && 'options' in imagine ? (imagine.options ?? []).map(({ name }) => name) : [];
    for (const option of imageOptionList) {
      expect(registered).toContain(option.flag);
      expect(generateUsage).toContain(`--${option.flag}`);
      expect(readme, `README.md lacks --${option.flag}`).toContain(`--${option.flag}`);
    }
  });
});
