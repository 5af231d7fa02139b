import { z } from 'zod';
import { ImagineError } from '../core/errors.js';
import type { Job } from '../core/jobs/job.js';
import { families } from '../core/models/model-row.js';
import { modelTable, resolveModel } from '../core/models/table.js';
import { resolveRequest } from '../core/resolve-request.js';
import type { Command } from './command.js';
import {
  checkPrompt,
  ensureConversation,
  newJob,
  optionsForPrompt,
  readImages,
  storeImages,
  unreadImages,
} from './job-factory.js';
import { imageOptionsSchema } from './options.js';
import { readPromptInput } from './prompt-input.js';
import { errorReply } from './replies/index.js';
import { reserveSlot, runReserved } from './run-job.js';
import { styleReferences } from './style-reference.js';

/** One model per family (the table's first text-to-image row of each), so a team sees every direction at once. */
export const defaultCompareModels: readonly string[] = families.flatMap((family) => {
  const row = modelTable.find(
    (candidate) => candidate.family === family && candidate.capabilities.textToImage,
  );
  return row ? [row.id] : [];
});
const compareFlags = { models: { takesValue: true, aliases: ['with'] } };

export const compare = {
  name: 'compare',
  answersPrivately: false,
  makesImages: true,
  subcommand: true,
  parameters: [
    {
      kind: 'text',
      name: 'prompt',
      description: 'What the images should show',
      required: true,
      maxLength: 4000,
    },
    { kind: 'text', name: 'models', description: 'Comma-separated models (default: one per family)' },
    { kind: 'text', name: 'size', description: 'Aspect ratio (16:9) or size (1024x1024)' },
    { kind: 'image', name: 'image', description: 'An image to edit' },
  ],
  summary: 'One prompt on several models at once (default: one per family), to pick a direction.',
  help: 'compare <prompt> [--models nano-banana,seedream-4,gpt-image] [--ar 16:9] …',
  options: imageOptionsSchema.extend({ prompt: z.string(), models: z.string().optional() }),
  async run(input, context, services) {
    try {
      const { prompt, rest, options, notes } = readPromptInput(input, compareFlags);
      const { models } = rest;
      if (!prompt)
        throw new ImagineError('invalid_option', 'The prompt is empty: compare "a logo for a bakery".');
      checkPrompt(services, prompt);
      if (options.model)
        throw new ImagineError('invalid_option', 'Use --models a,b,c to choose the models to compare.');
      const names = models
        ? models
            .split(',')
            .map((name) => name.trim())
            .filter(Boolean)
        : defaultCompareModels;
      const rows = [...new Map(names.map((name) => resolveModel(name)).map((row) => [row.id, row])).values()];
      if (rows.length < 2) {
        throw new ImagineError('invalid_option', 'Compare needs at least two different models.', {
          choices: modelTable.map((row) => row.aliases[0] ?? row.id),
        });
      }
      const style = await styleReferences(services, options.styleReference, input.attachments ?? []);
      const attachments = style.subject;
      const unread = unreadImages(attachments);
      const planned: { job: Job; label: string }[] = [];
      for (const row of rows) {
        const jobOptions = await optionsForPrompt(services, context, prompt, { ...options, model: row.id });
        resolveRequest({ ...jobOptions, images: unread, styleImages: style.unread });
        const job = newJob(services, context, {
          kind: 'compare',
          options: jobOptions,
          userPrompt: prompt,
          warnings: notes,
          label: row.displayName,
        });
        planned.push({ job, label: row.displayName });
      }
      // One slot per model, all taken before the attachments are read (once, for every model that got a slot).
      const slots = await Promise.all(planned.map(() => reserveSlot(services, context)));
      const granted = slots.flatMap((slot) => (slot.ok ? [slot.reservation] : []));
      let inputImages: Job['inputImages'] = [];
      let styleImages: Job['styleImages'] = [];
      if (granted.length > 0) {
        try {
          inputImages = await storeImages(services, await readImages(attachments));
          styleImages = await style.store();
        } catch (error) {
          await Promise.all(granted.map((reservation) => reservation.refund()));
          return [errorReply(error)];
        }
      }
      // Results are labelled by model (and offer "continue with this one") where they are rendered.
      return Promise.all(
        planned.map(async ({ job, label }, index) => {
          const slot = slots[index];
          if (!slot?.ok) {
            const refusal = slot?.reply ?? errorReply(new Error('no slot'));
            return { ...refusal, text: `${label}: ${refusal.text}` };
          }
          const withImages = { ...job, inputImages, styleImages };
          await ensureConversation(services, withImages);
          return runReserved(services, withImages, context, slot.reservation);
        }),
      );
    } catch (error) {
      return [errorReply(error)];
    }
  },
} satisfies Command;
