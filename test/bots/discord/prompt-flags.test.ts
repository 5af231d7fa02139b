import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fitDiscordLimit } from '../../../src/bots/discord/command-definitions.js';
import { commandDefinitions } from '../../../src/bots/discord/index.js';
import type { CommandParameter } from '../../../src/commands/command.js';
import { imageOptionList } from '../../../src/core/options/option-table.js';
import { solidPng } from '../../dev/fake-image-api-helpers.js';
import type { OptionValue } from '../../fakes/discord/payloads.js';
import {
  alice,
  bodyOf,
  type DiscordHarness,
  generationBodies,
  startDiscordHarness,
  waitForAnswer,
} from './discord-harness.js';

async function imagine(harness: DiscordHarness, options: Record<string, OptionValue>, image?: Buffer) {
  const sent = harness.discord.slashCommand({
    name: 'imagine',
    user: alice,
    options,
    ...(image && { attachments: { image: { name: 'in.png', bytes: image, contentType: 'image/png' } } }),
  });
  const answer = await waitForAnswer(harness, sent);
  return { text: bodyOf(answer).content ?? '', body: generationBodies(harness.images).at(-1) };
}

describe('/imagine on Discord speaks the inline flags too', () => {
  let harness: DiscordHarness;
  beforeEach(async () => {
    harness = await startDiscordHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it('reads --flags inside the prompt option: a Seedream 4 16:9 image, captioned without the flags', async () => {
    const { text, body } = await imagine(harness, { prompt: 'a fox --model seedream-4 --ar 16:9' });
    expect(body).toStrictEqual({
      model: 'doubao-seedream-4-0-250828',
      prompt: 'a fox',
      seed: 1073741824,
      size: '2560x1440',
      watermark: false,
    });
    expect(text).toMatch(/^“a fox”\n-# Seedream 4\.0 · 2560x1440 · /);
    expect(text).not.toContain('--');
  });

  it('lets the slash option win over the same flag in the prompt, and says so in the footnote', async () => {
    const { text, body } = await imagine(harness, {
      prompt: 'a fox --ar 16:9 --n 2',
      size: '1:1',
      model: 'seedream-4',
    });
    const bodies = generationBodies(harness.images);
    expect(bodies).toHaveLength(2);
    expect(body).toMatchObject({ model: 'doubao-seedream-4-0-250828', prompt: 'a fox', size: '2048x2048' });
    expect(text).toContain('\n-# ⚠ The size option (1:1) wins over --size 16:9 in the prompt.');
    expect(text).not.toContain('--n');
  });

  it('answers an unknown flag in the prompt with the closest one, and calls no model', async () => {
    const { text } = await imagine(harness, { prompt: 'a fox --modle seedream-4' });
    expect(text).toMatch(/^❌ Unknown flag --modle\. Did you mean --model\?/);
    expect(generationBodies(harness.images)).toHaveLength(0);
  });

  it('reads /compare the same way: its models option wins over --models in the prompt, with a footnote', async () => {
    const sent = harness.discord.slashCommand({
      name: 'compare',
      user: alice,
      options: { prompt: 'a logo --models seedream-4,qwen-image --ar 16:9', models: 'nano-banana,gpt-image' },
    });
    const first = await waitForAnswer(harness, sent);
    await harness.bot.idle();
    const bodies = generationBodies(harness.images);
    expect(bodies.map((body) => body.model).sort()).toStrictEqual(['gemini-2.5-flash-image', 'gpt-image-1']);
    expect(bodies.every((body) => body.prompt === 'a logo')).toBe(true);
    expect(bodyOf(first).content).toContain(
      '\n-# ⚠ The models option (nano-banana,gpt-image) wins over --models seedream-4,qwen-image in the prompt.',
    );
  });

  it('sends every option of the options table given as a slash option, by family', async () => {
    const seedream = await imagine(harness, {
      prompt: 'a fox',
      model: 'seedream-4',
      guidance: 7.5,
      watermark: true,
      'optimize-prompt': 'fast',
      group: true,
      n: 2,
    });
    expect(seedream.body).toMatchObject({
      guidance_scale: 7.5,
      watermark: true,
      optimize_prompt_options: { mode: 'fast' },
      sequential_image_generation: 'auto',
      sequential_image_generation_options: { max_images: 2 },
    });
    const gemini = await imagine(harness, { prompt: 'a fox', temperature: 0.4, 'top-p': 0.9 });
    expect(gemini.body).toMatchObject({ model: 'gemini-2.5-flash-image', temperature: 0.4, top_p: 0.9 });
    const qwen = await imagine(harness, { prompt: 'a fox', model: 'qwen-image', 'prompt-extend': false });
    expect(qwen.body).toMatchObject({ model: 'qwen-image-plus', parameters: { prompt_extend: false } });
    const gpt = await imagine(
      harness,
      { prompt: 'make it blue', model: 'gpt-image', 'input-fidelity': 'high', format: 'webp' },
      await solidPng('#ff0000'),
    );
    expect(gpt.body).toMatchObject({ model: 'gpt-image-1', input_fidelity: 'high', output_format: 'webp' });
  });
});

describe("Discord's /imagine definition", () => {
  it('offers every row of the options table as an option, within the 25 options Discord allows', () => {
    const definition = commandDefinitions.find((command) => command.name === 'imagine');
    const options = (definition && 'options' in definition && definition.options) || [];
    expect(options.length).toBeLessThanOrEqual(25);
    const names = options.map((option) => option.name);
    expect(names).toEqual(expect.arrayContaining(imageOptionList.map((option) => option.flag)));
    expect(names.slice(0, 1)).toStrictEqual(['prompt']);
    expect(options.find((option) => option.name === 'watermark')?.type).toBe(5);
    expect(options.find((option) => option.name === 'guidance')).toMatchObject({
      type: 10,
      min_value: 1,
      max_value: 10,
    });
  });

  it('keeps the prompt and images and leaves the last rows to inline flags when the table outgrows 25', () => {
    const prompt: CommandParameter = { kind: 'text', name: 'prompt', description: 'p', required: true };
    const image: CommandParameter = { kind: 'image', name: 'image', description: 'i' };
    const rows = imageOptionList.map((option): CommandParameter => ({ kind: 'option', field: option.field }));
    const many = [...rows, ...rows];
    const fitted = fitDiscordLimit([prompt, ...many, image]);
    expect(fitted).toHaveLength(25);
    expect(fitted).toStrictEqual([prompt, ...many.slice(0, 23), image]);
  });
});
