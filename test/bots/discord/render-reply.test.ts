import { describe, expect, it } from 'vitest';
import { decideAccess } from '../../../src/bots/discord/access.js';
import { buttonId, editModalId, messageModalId, parseCustomId } from '../../../src/bots/discord/ids.js';
import { renderReply, splitText } from '../../../src/bots/discord/render-reply.js';
import { modelChoices, sizeChoices } from '../../../src/commands/choices.js';
import type { Reply } from '../../../src/commands/reply.js';

function result(imageCount: number): Reply {
  return {
    kind: 'result',
    text: '“a cat”',
    images: Array.from({ length: imageCount }, (_, index) => ({
      bytes: Buffer.from([index]),
      fileName: `imagine-job-${index + 1}.png`,
      mediaType: 'image/png',
      altText: 'a cat',
    })),
    caption: 'Seedream 4.0 · 2048x2048 · 3 s',
    footnote: '⚠ seed is not supported by this model',
    buttons: [
      { action: 'reroll', jobId: 'job', label: '🎲 Re-roll' },
      { action: 'delete', jobId: 'job', label: '🗑 Delete' },
    ],
    ephemeral: false,
    jobId: 'job',
  };
}

describe('Discord replies', () => {
  it('puts ten files per message and the text and buttons on the first', () => {
    const messages = renderReply(result(12));
    expect(messages.map((message) => message.files.length)).toStrictEqual([10, 2]);
    expect(messages[0]?.content).toBe(
      '“a cat”\n-# Seedream 4.0 · 2048x2048 · 3 s\n-# ⚠ seed is not supported by this model',
    );
    expect(messages[1]?.content).toBe('');
    expect(JSON.parse(JSON.stringify(messages[0]?.components))).toStrictEqual([
      {
        type: 1,
        components: [
          { type: 2, custom_id: 'imagine:reroll:job', label: '🎲 Re-roll', style: 2 },
          { type: 2, custom_id: 'imagine:delete:job', label: '🗑 Delete', style: 4 },
        ],
      },
    ]);
    expect(messages[1]?.components).toStrictEqual([]);
    expect(messages[1]?.files[1]?.name).toBe('imagine-job-12.png');
    expect(messages[0]?.files[0]?.description).toBe('a cat');
  });

  it('pings nobody, or only the requester when asked', () => {
    expect(renderReply(result(1))[0]?.allowedMentions).toStrictEqual({ parse: [], repliedUser: false });
    const [late] = renderReply(result(1), { mentionUserId: '1400000000000000001' });
    expect(late?.content.startsWith('<@1400000000000000001> “a cat”')).toBe(true);
    expect(late?.allowedMentions).toStrictEqual({
      parse: [],
      repliedUser: false,
      users: ['1400000000000000001'],
    });
  });

  it('marks errors and splits long text at line ends under 2000 characters', () => {
    const error: Reply = {
      ...result(0),
      kind: 'error',
      text: 'The image service is busy.',
      caption: undefined,
    };
    expect(renderReply({ ...error, footnote: undefined })[0]?.content).toBe('❌ The image service is busy.');
    const lines = Array.from({ length: 60 }, (_, index) => `• line ${index} ${'x'.repeat(50)}`);
    const chunks = splitText(lines.join('\n'));
    expect(chunks.length).toBe(2);
    expect(chunks.every((chunk) => chunk.length <= 2000)).toBe(true);
    expect(chunks.join('\n')).toBe(lines.join('\n'));
  });

  it('reads back the custom ids it writes, and nothing else', () => {
    expect(parseCustomId(buttonId({ action: 'upscale', jobId: 'Ab-_9' }))).toStrictEqual({
      kind: 'button',
      action: 'upscale',
      jobId: 'Ab-_9',
    });
    expect(buttonId({ action: 'variations', jobId: 'Ab-_9', image: 3 })).toBe('imagine:variations:Ab-_9:3');
    expect(parseCustomId('imagine:variations:Ab-_9:3')).toStrictEqual({
      kind: 'button',
      action: 'variations',
      jobId: 'Ab-_9',
      image: 3,
    });
    expect(parseCustomId('imagine:zoom-2:Ab-_9')).toMatchObject({ action: 'zoom-2', jobId: 'Ab-_9' });
    for (const forged of ['imagine:upscale:job:0', 'imagine:upscale:job:11', 'imagine:upscale:job:x']) {
      expect(parseCustomId(forged)).toBeUndefined();
    }
    expect(parseCustomId(editModalId('Ab-_9'))).toStrictEqual({ kind: 'edit-modal', jobId: 'Ab-_9' });
    expect(parseCustomId(messageModalId('13', '16'))).toStrictEqual({
      kind: 'message-modal',
      channelId: '13',
      messageId: '16',
    });
    expect(parseCustomId('imagine:explode:job')).toBeUndefined();
    expect(parseCustomId('other-bot:reroll:job')).toBeUndefined();
  });

  it('suggests models by what is typed, with what they can do, and the sizes of the chosen model', () => {
    expect(modelChoices('SEEDREAM 4.5')).toStrictEqual([
      { name: 'Seedream 4.5 · text-to-image, edits (14 images)', value: 'seedream-4.5' },
    ]);
    expect(modelChoices('seedream-4').map((choice) => choice.value)).toStrictEqual([
      'seedream-4',
      'seedream-4.5',
      'seedream-base',
    ]);
    expect(modelChoices('').length).toBeLessThanOrEqual(25);
    expect(modelChoices('zzz')).toStrictEqual([]);
    expect(sizeChoices('gpt-image', '15')).toStrictEqual([
      { name: '1536x1024 (3:2)', value: '1536x1024' },
      { name: '1024x1536 (2:3)', value: '1024x1536' },
    ]);
    expect(sizeChoices('nano-banana', '16:')).toStrictEqual([{ name: '16:9', value: '16:9' }]);
  });
});

describe('Discord access rules', () => {
  const rules = {
    allowedGuilds: ['g1'],
    allowedChannels: ['c1'],
    allowedRoles: ['artists'],
    adminRoles: ['admins'],
  };
  const place = { guildId: 'g1', channelId: 'c1', parentId: null, roleIds: ['artists'] };

  it('lets a member with an allowed role in an allowed channel of an allowed server in', () => {
    expect(decideAccess(rules, place)).toStrictEqual({ allowed: true, isAdmin: false });
    expect(decideAccess(rules, { ...place, channelId: 't1', parentId: 'c1' })).toStrictEqual({
      allowed: true,
      isAdmin: false,
    });
    expect(decideAccess(rules, { ...place, roleIds: ['admins'] })).toStrictEqual({
      allowed: true,
      isAdmin: true,
    });
  });

  it('refuses other servers, channels and roles with a reason', () => {
    expect(decideAccess(rules, { ...place, guildId: 'g2' })).toStrictEqual({
      allowed: false,
      reason: 'This bot is not enabled in this server.',
    });
    expect(decideAccess(rules, { ...place, channelId: 'c2' })).toMatchObject({ allowed: false });
    expect(decideAccess(rules, { ...place, roleIds: [] })).toMatchObject({ allowed: false });
    const open = { allowedGuilds: [], allowedChannels: [], allowedRoles: [], adminRoles: [] };
    expect(decideAccess(open, { guildId: null, channelId: 'x', parentId: null, roleIds: [] })).toStrictEqual({
      allowed: true,
      isAdmin: false,
    });
  });
});
