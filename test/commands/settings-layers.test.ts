import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, onlyReply, startHarness } from '../support/bot-harness.js';

const unknownModel =
  'Unknown model "bogus". Valid models: nano-banana, nano-banana-pro, seedream-4, seedream-4.5, seedream-3, ' +
  'seededit, seedream-base, gpt-image, gpt-image-mini, qwen-image, qwen-edit.';

describe('settings layers', () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });
  const say = async (text: string, userId?: string) =>
    (await harness.app.brain.text(text, [], harness.context(userId ? { userId } : {})))[0];

  it('lets only admins set the channel settings', async () => {
    harness = await startHarness({ env: { ADMIN_IDS: 'console:carol' } });
    const refused = await say('settings set --channel --model seedream-4');
    expect(refused?.kind).toBe('info');
    expect(refused?.text).toBe(
      'Only admins can change this channel’s settings. Leave out --channel to change your own.',
    );
    expect((await say('settings reset --channel'))?.text).toBe(refused?.text);
    const saved = await say(
      'settings set --channel --model seedream-4 --style "flat pastel"',
      'console:carol',
    );
    expect(saved?.text).toBe(
      'Saved for this channel: model = doubao-seedream-4-0-250828, style = flat pastel.',
    );
    // A platform admin (Discord's Manage Server, a Slack workspace admin) counts too, through the option bag.
    const platformAdmin = harness.context({ user: { id: 'console:dave', isAdmin: true } });
    const structured = await harness.app.brain.command(
      'settings',
      { action: 'set', scope: 'channel', quality: 'high' },
      [],
      platformAdmin,
    );
    expect(structured[0]?.text).toBe('Saved for this channel: quality = high.');
  });

  it('layers channel, then user, then the command, says where each value came from, and adds the style', async () => {
    harness = await startHarness({ env: { ADMIN_IDS: 'console:carol' } });
    await say('settings set --channel --model seedream-4 --style "flat pastel"', 'console:carol');
    expect((await say('settings set --ar 16:9'))?.text).toBe('Saved for you: size = 16:9.');
    expect((await say('settings show'))?.text).toBe(
      [
        'Settings here:',
        '• model: doubao-seedream-4-0-250828 (channel setting)',
        '• size: 16:9 (your setting)',
        '• resolution: — (model default)',
        '• quality: — (model default)',
        '• n: — (model default)',
        '• negative: — (model default)',
        '• style: flat pastel (channel setting)',
      ].join('\n'),
    );

    const layered = await say('a bakery');
    expect(layered?.kind).toBe('result');
    expect(layered?.text).toBe('“a bakery”');
    const commanded = await say('a bakery --model gpt-image --ar 1:1');
    expect(commanded?.kind).toBe('result');
    // Bob has no settings of his own: the channel's apply.
    await say('a bakery', 'console:bob');
    expect(harness.bodies()).toStrictEqual([
      {
        model: 'doubao-seedream-4-0-250828',
        prompt: 'a bakery, flat pastel',
        size: '2560x1440',
        watermark: false,
        seed: 1073741824,
      },
      { model: 'gpt-image-1', prompt: 'a bakery, flat pastel', size: '1024x1024', n: 1 },
      {
        model: 'doubao-seedream-4-0-250828',
        prompt: 'a bakery, flat pastel',
        size: '2048x2048',
        watermark: false,
        seed: 1073741824,
      },
    ]);
  });

  it('refuses an unknown model and settings the model cannot take, saving nothing', async () => {
    harness = await startHarness();
    const bogus = await say('settings set --model bogus');
    expect(bogus?.kind).toBe('error');
    expect(bogus?.text).toBe(unknownModel);
    const typo = await say('settings set --model seedram-4');
    expect(typo?.text).toMatch(
      /^Unknown model "seedram-4"\. Did you mean seedream-4\? Valid models: nano-banana, /,
    );
    const badTier = await say('settings set --model seedream-4.5 --res 1K');
    expect(badTier?.kind).toBe('error');
    expect(badTier?.text).toBe('Resolution 1K is not available on Seedream 4.5. Valid: 2K, 4K.');
    const nothing = await say('settings set');
    expect(nothing?.text).toBe('Nothing to set: give --model, --ar, --res, --quality, --n, --no or --style.');
    expect((await say('settings show'))?.text).toContain(
      '• model: gemini-2.5-flash-image (bot default)\n• size: — (model default)',
    );
  });

  it('resets my settings and, for admins, the channel settings', async () => {
    harness = await startHarness({ env: { ADMIN_IDS: 'console:alice' } });
    await say('settings set --channel --style "watercolour"');
    await say('settings set --model gpt-image --ar 3:2');
    expect((await say('settings reset'))?.text).toBe('Your settings reset.');
    onlyReply(await harness.app.brain.text('a harbour', [], harness.context()), 'result');
    expect((await say('settings reset --channel'))?.text).toBe('Channel settings reset.');
    onlyReply(await harness.app.brain.text('a harbour', [], harness.context()), 'result');
    expect(harness.bodies().map((body) => [body.model, body.prompt])).toStrictEqual([
      ['gemini-2.5-flash-image', 'a harbour, watercolour'],
      ['gemini-2.5-flash-image', 'a harbour'],
    ]);
  });

  it('shows and saves settings by the names users type (negative, not negativePrompt)', async () => {
    harness = await startHarness();
    expect((await say('settings set --no "text, blur" --model qwen-image'))?.text).toBe(
      'Saved for you: model = qwen-image-plus, negative = text, blur.',
    );
    expect((await say('settings show'))?.text).toContain('\n• negative: text, blur (your setting)\n');
  });
});
