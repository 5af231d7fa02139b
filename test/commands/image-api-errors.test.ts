import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fault } from '../../src/dev/fake-image-api/index.js';
import { type Harness, onlyReply, sentinelKey, startHarness } from '../support/bot-harness.js';

const texts = {
  auth: 'The image service refused our key — an admin needs to check IMAGE_API_KEY.',
  credit: 'The image service account has run out of credit — an admin needs to top it up.',
  badRequest: 'The image service rejected the request: Bad request. Check your options and try again.',
  rateLimit: 'The image service is busy (rate limited). Press Retry or try again in a minute.',
  upstream: 'The image service had a problem on its side. Press Retry or try again in a moment.',
  blocked:
    'The image service blocked this request as unsafe content. Rephrase the prompt, or try another model with --model.',
  empty: 'The model returned no image. Try rephrasing the prompt, or press Retry.',
  malformed: 'The image service sent back something that is not an image. Press Retry or try again.',
  timeout: 'The image service took too long. Press Retry or try again.',
  download: 'The image was made but could not be downloaded. Press Retry or try again.',
};

// [fault, model, the reply's text, whether it offers Retry]
const cases: [string, Fault, string, string, boolean][] = [
  ['401', { kind: 'status', status: 401 }, 'nano-banana', texts.auth, false],
  ['403', { kind: 'status', status: 403 }, 'nano-banana', texts.credit, false],
  ['402', { kind: 'status', status: 402 }, 'gpt-image', texts.credit, false],
  ['400', { kind: 'status', status: 400 }, 'gpt-image', texts.badRequest, false],
  ['429', { kind: 'status', status: 429 }, 'seedream-4', texts.rateLimit, true],
  ['500', { kind: 'status', status: 500 }, 'qwen-image', texts.upstream, true],
  ['503', { kind: 'status', status: 503 }, 'nano-banana', texts.upstream, true],
  ['OpenAI moderation', { kind: 'content_policy', style: 'openai' }, 'gpt-image', texts.blocked, false],
  [
    'Ark sensitive content',
    { kind: 'content_policy', style: 'seedream' },
    'seedream-4',
    texts.blocked,
    false,
  ],
  ['DashScope inspection', { kind: 'content_policy', style: 'qwen' }, 'qwen-image', texts.blocked, false],
  ['Gemini block', { kind: 'content_policy', style: 'gemini_block' }, 'nano-banana', texts.blocked, false],
  ['wrapped refusal', { kind: 'content_policy', style: 'wrapped' }, 'nano-banana', texts.blocked, false],
  ['empty data', { kind: 'empty' }, 'gpt-image', texts.empty, true],
  ['blank item', { kind: 'empty', blank: true }, 'qwen-image', texts.empty, true],
  ['malformed JSON', { kind: 'malformed_json' }, 'nano-banana', texts.malformed, true],
  ['hang', { kind: 'hang' }, 'nano-banana', texts.timeout, true],
  ['expired URL', { kind: 'expired_url' }, 'seedream-4', texts.download, true],
  ['HTML at the URL', { kind: 'not_image_url' }, 'seedream-4', texts.download, true],
];

describe('every image API failure, as the user sees it', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      env: { IMAGE_API_TIMEOUT_MS: '1000', USER_RATE_LIMIT_PER_MINUTE: '0' },
    });
  });
  afterAll(async () => {
    await harness.close();
  });

  it.each(cases)('%s → its short message', async (_name, fault, model, text, retry) => {
    harness.fake.fault(fault);
    const reply = onlyReply(
      await harness.app.brain.text(`a red fox --model ${model}`, [], harness.context()),
      'error',
    );
    expect(reply.text).toBe(text);
    expect(reply.ephemeral).toBe(true);
    expect(reply.buttons).toStrictEqual(
      retry ? [{ action: 'reroll', jobId: reply.jobId, label: '🔁 Retry' }] : [],
    );
    expect(JSON.stringify(reply)).not.toContain(sentinelKey);
  });

  it('charged nothing for any of them', async () => {
    const usage = onlyReply(await harness.app.brain.text('usage', [], harness.context()), 'info');
    expect(usage.text).toBe('Today: you 0 of 100 (100 left); this channel 0 (no limit).');
  });

  it('keeps a key the gateway echoes out of replies and logs', async () => {
    harness.fake.fault({
      kind: 'status',
      status: 400,
      body: { error: { message: `Invalid token ${sentinelKey} for model`, type: 'invalid_request_error' } },
    });
    const rejected = onlyReply(await harness.app.brain.text('a red fox', [], harness.context()), 'error');
    expect(rejected.text).toMatch(
      /^The image service rejected the request: Invalid token .+ for model\. Check/,
    );
    harness.fake.fault({ kind: 'status', status: 401, body: `bad key: Bearer ${sentinelKey}` });
    const refused = onlyReply(await harness.app.brain.text('a red fox', [], harness.context()), 'error');
    expect(refused.text).toBe(texts.auth);
    for (const reply of [rejected, refused]) expect(JSON.stringify(reply)).not.toContain(sentinelKey);
    expect(harness.logLines.length).toBeGreaterThan(cases.length);
    expect(harness.logLines.join('\n')).not.toContain(sentinelKey);
    expect(harness.logLines.join('\n')).not.toContain('SENTINEL');
  });

  it('runs a failed request again from its Retry button', async () => {
    harness.fake.fault({ kind: 'status', status: 503 });
    const failed = onlyReply(
      await harness.app.brain.text('a lighthouse --model gpt-image --quality low', [], harness.context()),
      'error',
    );
    const retried = onlyReply(
      await harness.app.brain.button('reroll', failed.jobId ?? '', harness.context()),
      'result',
    );
    const [failedBody, retriedBody] = harness.bodies().slice(-2);
    expect(retriedBody).toStrictEqual(failedBody);
    expect(retried.images[0]?.bytes).toEqual(harness.fake.images.at(-1));
  });

  it('answers an unknown slash command by naming the real ones', async () => {
    const reply = onlyReply(await harness.app.brain.command('paint', {}, [], harness.context()), 'error');
    expect(reply.text).toBe(
      'Unknown command "paint". Commands: imagine, edit, compare, models, settings, usage, cancel, board, help.',
    );
    const typo = onlyReply(await harness.app.brain.command('modles', {}, [], harness.context()), 'error');
    expect(typo.text).toBe(
      'Unknown command "modles". Did you mean models? Commands: imagine, edit, compare, models, settings, usage, cancel, board, help.',
    );
  });

  it('answers help on an unknown topic by saying so, suggesting the closest and listing the topics', async () => {
    const topics = 'Topics: imagine, edit, compare, models, settings, usage, cancel, board, help.';
    const typo = onlyReply(await harness.app.brain.text('help setings', [], harness.context()), 'info');
    expect(typo.text).toBe(`There is no help on "setings". Did you mean settings? ${topics}`);
    const structured = await harness.app.brain.command('help', { command: 'dance' }, [], harness.context());
    expect(structured[0]?.text).toBe(`There is no help on "dance". ${topics}`);
    const known = onlyReply(await harness.app.brain.text('help /compare', [], harness.context()), 'info');
    expect(known.text).toMatch(/^compare: One prompt on several models/);
  });
});
