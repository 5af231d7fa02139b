import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';

it('declares /imagine, the bot events, the scopes and interactivity in slack/manifest.yml', async () => {
  const manifest = await readFile(new URL('../../../slack/manifest.yml', import.meta.url), 'utf8');
  const listed = (key: string) => {
    const block = manifest.split(`${key}:\n`)[1] ?? '';
    return [...block.matchAll(/^\s+- ([a-z_.:]+)$/gm)].map((match) => match[1]);
  };
  expect(manifest).toContain('    - command: /imagine\n');
  expect(listed('bot_events').slice(0, 6)).toEqual([
    'app_mention',
    'message.channels',
    'message.groups',
    'message.im',
    'reaction_added',
    'reaction_removed',
  ]);
  expect(listed('bot').slice(0, 10).sort()).toEqual(
    [
      'commands',
      'chat:write',
      'files:read',
      'files:write',
      'reactions:read',
      'reactions:write',
      'channels:history',
      'groups:history',
      'im:history',
      'app_mentions:read',
    ].sort(),
  );
  expect(manifest).toMatch(
    /interactivity:\n\s+is_enabled: true\n\s+request_url: https:\/\/imagine\.example\.com\/slack\/events/,
  );
});
