/** Slack's mrkdwn needs only these three escaped; escaping them also keeps user text from pinging (`<!channel>`). */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function unescapeText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * A message's text as the user meant it: the bot's own mention removed, `<@U…|name>`, `<#C…|general>` and
 * `<https://…|label>` turned back into plain words, entities unescaped.
 */
export function plainText(text: string, botUserId?: string): string {
  const replaced = text.replace(/<([^<>\s][^<>]*)>/g, (_match, inner: string) => {
    const [target = '', label] = inner.split('|', 2);
    if (target.startsWith('@')) {
      if (target.slice(1) === botUserId) return '';
      return `@${label ?? target.slice(1)}`;
    }
    if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
    if (target.startsWith('!')) return label ?? `@${target.slice(1).split('^')[0] ?? ''}`;
    return label ?? target;
  });
  return unescapeText(replaced)
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/** Slack caps a section's text at 3000 characters. */
export function trimForBlock(text: string, maxLength = 3000): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}
