/**
 * How each soak job ended, read from what the fake platforms hold (runs in the fakes' process: their records stay
 * there). A job's replies are found by its tag (`slack-0007`, in its prompt and so in its caption), its
 * response_url and its user (Slack), its interaction token and its user (Discord).
 */
import { z } from 'zod';
import type { FakeDiscord } from '../test/fakes/discord/index.js';
import type { FakeSlack } from '../test/fakes/slack/index.js';

export const soakChannel = 'C0SOAK';

export const jobOutcomeSchema = z.object({
  platform: z.enum(['slack', 'discord']),
  tag: z.string(),
  /** image: at least one of its images was posted; message: an error reply the user sees; none: nothing. */
  outcome: z.enum(['image', 'message', 'none']),
  /** Messages showing its result (caption or images): more than one is a duplicate post. */
  resultPosts: z.number().int(),
  imagesPosted: z.number().int(),
  /** Error replies shown for it: more than one is a duplicate post. */
  errorPosts: z.number().int(),
  /** Its result's text or images were posted but the note beside them still shows progress, or the result was overwritten by it. */
  staleProgress: z.boolean(),
  /** What the user sees last about it (the note, the reply), shortened. */
  lastText: z.string(),
});
export type JobOutcome = z.infer<typeof jobOutcomeSchema>;

export interface SlackJob {
  tag: string;
  user: string;
  responseId: string;
}

export interface DiscordJob {
  tag: string;
  userId: string;
  token: string;
}

/** Progress notes and the done mark; anything else a job shows without images is an error reply. */
const progressPattern = /^(⏳ Queued|🎨 Working|🔁 The bot restarted)/;
const doneMark = '✅ Done';
const isErrorText = (text: string) => text !== '' && text !== doneMark && !progressPattern.test(text);
const short = (text: string) => text.replace(/\s+/g, ' ').slice(0, 160);

function textOf(body: Record<string, unknown>): string {
  return typeof body.text === 'string' ? body.text : '';
}

export function slackOutcomes(slack: FakeSlack, jobs: readonly SlackJob[]): JobOutcome[] {
  const topLevel = slack.messages().filter((message) => message.channel === soakChannel && !message.threadTs);
  const privateTexts = new Map<string, { seq: number; text: string }[]>();
  const add = (key: string, seq: number, text: string) => {
    const list = privateTexts.get(key) ?? [];
    list.push({ seq, text });
    privateTexts.set(key, list);
  };
  for (const entry of slack.log) {
    if (entry.kind === 'respond' && entry.failedWith === undefined)
      add(`respond:${entry.id}`, entry.seq, textOf(entry.body));
    if (entry.kind === 'api' && entry.method === 'chat.postEphemeral' && entry.failedWith === undefined)
      add(`ephemeral:${entry.params.user ?? ''}`, entry.seq, entry.params.text ?? '');
  }
  return jobs.map((job) => {
    const results = topLevel.filter((message) => message.text.includes(job.tag));
    const files = slack.shared.filter((file) => results.some((message) => message.ts === file.threadTs));
    const notes = privateTexts.get(`respond:${job.responseId}`) ?? [];
    const ephemerals = privateTexts.get(`ephemeral:${job.user}`) ?? [];
    const shown = [...notes, ...ephemerals].sort((left, right) => left.seq - right.seq);
    // Error replies are private: the response_url note, or an ephemeral message once its posts are used up.
    const errorPosts = shown.filter((entry) => isErrorText(entry.text)).length;
    // The note starts as the ack's "⏳ Queued…"; later posts to the response_url replace it.
    const lastNote = notes.at(-1)?.text ?? '⏳ Queued…';
    const outcome = files.length > 0 ? 'image' : errorPosts > 0 ? 'message' : 'none';
    return {
      platform: 'slack',
      tag: job.tag,
      outcome,
      resultPosts: results.length,
      imagesPosted: files.length,
      errorPosts,
      // The ephemeral note next to a posted result should end as "✅ Done" (or the error), not "Working…".
      staleProgress: results.length > 0 && progressPattern.test(lastNote),
      lastText: short(shown.at(-1)?.text ?? results.at(-1)?.text ?? ''),
    };
  });
}

export function discordOutcomes(discord: FakeDiscord, jobs: readonly DiscordJob[]): JobOutcome[] {
  const messages = [...discord.world.messages.values()];
  return jobs.map((job) => {
    const originalId = discord.world.originals.get(job.token);
    const original = originalId === undefined ? undefined : discord.world.messages.get(originalId);
    // Follow-ups and channel messages: they carry the caption (the tag) or mention the requester.
    const others = messages.filter(
      (message) =>
        message.id !== originalId &&
        (message.content.includes(job.tag) || message.content.includes(`<@${job.userId}>`)),
    );
    const shown = original ? [original, ...others] : others;
    const withImages = shown.filter((message) => message.attachments.length > 0);
    const captions = shown.filter((message) => message.content.includes(job.tag));
    const errors = shown.filter(
      (message) => message.attachments.length === 0 && !message.content.includes(job.tag),
    );
    const errorPosts = errors.filter((message) =>
      isErrorText(message.content.replace(/^<@\d+>\s*/, '')),
    ).length;
    const outcome = withImages.length > 0 ? 'image' : errorPosts > 0 ? 'message' : 'none';
    return {
      platform: 'discord',
      tag: job.tag,
      outcome,
      resultPosts: new Set([...withImages, ...captions]).size,
      imagesPosted: withImages.reduce((total, message) => total + message.attachments.length, 0),
      errorPosts,
      // A progress edit that landed after the result replaces its caption (the images stay).
      staleProgress: withImages.some((message) => progressPattern.test(message.content)),
      lastText: short(original?.content ?? others.at(-1)?.content ?? ''),
    };
  });
}
