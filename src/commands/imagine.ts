import { z } from 'zod';
import { ImagineError } from '../core/errors.js';
import { resolveModel } from '../core/models/table.js';
import { resolveRequest } from '../core/resolve-request.js';
import { type Command, imageOptionParameters } from './command.js';
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
import { runWithSlot } from './run-job.js';
import { styleReferences } from './style-reference.js';

export const imagine = {
  name: 'imagine',
  answersPrivately: false,
  makesImages: true,
  subcommand: false,
  parameters: [
    {
      kind: 'text',
      name: 'prompt',
      description: 'What the image should show (or what to change in the attached images)',
      required: true,
      maxLength: 4000,
    },
    ...imageOptionParameters('all'),
    { kind: 'image', name: 'image', description: 'An image to edit' },
    { kind: 'image', name: 'image2', description: 'A second image to combine' },
    { kind: 'image', name: 'image3', description: 'A third image to combine' },
  ],
  summary: 'Make images from a prompt; attach images to edit or fuse them.',
  help: 'imagine <prompt> [--model ID] [--ar 16:9] [--n 4] [--seed 7] [--res 2K] [--no text,blur] [--sref ID] …  (attach images to edit them)',
  options: imageOptionsSchema.extend({ prompt: z.string() }),
  async run(input, context, services) {
    try {
      const { prompt, options, notes } = readPromptInput(input);
      if (!prompt) {
        throw new ImagineError(
          'invalid_option',
          'The prompt is empty: say what the image should show, e.g. "a red fox in the snow".',
        );
      }
      checkPrompt(services, prompt);
      const jobOptions = await optionsForPrompt(services, context, prompt, options);
      jobOptions.model = resolveModel(jobOptions.model).id;
      const style = await styleReferences(services, options.styleReference, input.attachments ?? []);
      const attachments = style.subject;
      // Validate before taking a quota slot: a bad size or flag costs nothing, and nothing is downloaded yet.
      resolveRequest({ ...jobOptions, images: unreadImages(attachments), styleImages: style.unread });
      const reply = await runWithSlot(
        services,
        context,
        async () => {
          const job = newJob(services, context, {
            kind: 'imagine',
            options: jobOptions,
            userPrompt: prompt,
            warnings: notes,
            inputImages: await storeImages(services, await readImages(attachments)),
            styleImages: await style.store(),
          });
          await ensureConversation(services, job);
          return job;
        },
        { threadName: true },
      );
      return [reply];
    } catch (error) {
      return [errorReply(error)];
    }
  },
} satisfies Command;
