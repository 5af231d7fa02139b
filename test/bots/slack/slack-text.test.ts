import { describe, expect, it } from 'vitest';
import { renderReply } from '../../../src/bots/slack/render-reply.js';
import { escapeText, plainText } from '../../../src/bots/slack/slack-text.js';

describe('Slack text', () => {
  it('reads a mention as the user meant it: the bot removed, tags and links as words, entities unescaped', () => {
    expect(
      plainText(
        '<@U0BOT> a fox &amp; a hen near <#C0001|general> like <https://x.test/a|this> by <@U0ALICE>',
        'U0BOT',
      ),
    ).toBe('a fox & a hen near #general like this by @U0ALICE');
    expect(plainText('  <!here> a   cat --ar 16:9 ', 'U0BOT')).toBe('@here a cat --ar 16:9');
  });

  it('escapes user text so nothing in it pings', () => {
    expect(escapeText('<!channel> & <@U1>')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt;');
  });

  it('pings only the users a reply names, and turns **bold** into Slack bold', () => {
    const message = renderReply({
      kind: 'info',
      text: '**Seedream 4.0** — “<!everyone>”',
      images: [],
      buttons: [],
      ephemeral: false,
      mention: ['slack:T0001:U0USER', 'discord:123'],
    });
    expect(message.text).toBe('<@U0USER> *Seedream 4.0* — “&lt;!everyone&gt;”');
    expect(message.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: message.text } }]);
  });
});
