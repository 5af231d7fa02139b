/**
 * The soak bench's fakes, in processes of their own (forked by soak.ts). `--role platforms`: the fake Slack and
 * the fake Discord; it sends the Discord slash commands over its gateway when told, and reports how each job
 * ended. `--role images`: the fake image API with its chaos mode (set by soak.ts over HTTP). IPC messages below.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { z } from 'zod';
import { startFakeImageApi } from '../src/dev/fake-image-api/index.js';
import { startFakeDiscord } from '../test/fakes/discord/index.js';
import { startFakeSlack } from '../test/fakes/slack/index.js';
import { benchImageKey } from './ack-fakes.js';
import {
  type DiscordJob,
  discordOutcomes,
  jobOutcomeSchema,
  type SlackJob,
  slackOutcomes,
} from './soak-outcomes.js';

const chaosSchema = z.object({ rate: z.number(), seed: z.number().int(), retryAfterSeconds: z.number() });
const statsSchema = z.object({ draws: z.number(), injected: z.record(z.string(), z.number()) });

export const platformsReadySchema = z.object({
  type: z.literal('ready'),
  slackUrl: z.string(),
  slackBotToken: z.string(),
  discordApiUrl: z.string(),
});
export const imagesReadySchema = z.object({ type: z.literal('ready'), imagesUrl: z.string() });
export const gatewayConnectedSchema = z.object({ type: z.literal('gateway-connected') });
export const chaosSetSchema = z.object({ type: z.literal('chaos-set') });
export const countedSchema = z.object({ type: z.literal('counted'), answered: z.number().int() });
export const reportSchema = z.object({
  type: z.literal('report'),
  jobs: z.array(jobOutcomeSchema),
  /** Web API / REST calls the bot made, and the failures chaos answered. */
  slack: z.object({ calls: z.number().int(), chaos: statsSchema.optional() }),
  discord: z.object({ calls: z.number().int(), chaos: statsSchema.optional() }),
});
export type SoakReport = z.infer<typeof reportSchema>;

const requestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('await-gateway') }),
  z.object({ type: z.literal('chaos'), chaos: chaosSchema }),
  z.object({ type: z.literal('discord-command'), tag: z.string(), prompt: z.string(), userId: z.string() }),
  /** soak.ts sent this Slack command (over HTTP, to the bot): a job to account for. */
  z.object({ type: z.literal('slack-command'), tag: z.string() }),
  z.object({ type: z.literal('count') }),
  z.object({ type: z.literal('report') }),
]);
export type FakesRequest = z.infer<typeof requestSchema>;

/** The Slack jobs are known from their commands' fields, which soak.ts derives from the tag. */
export function slackJobOf(tag: string, slackUrl: string): SlackJob & { responseUrl: string } {
  return {
    tag,
    user: `U${tag.toUpperCase().replace('-', '')}`,
    responseId: tag,
    responseUrl: `${slackUrl}/respond/${tag}`,
  };
}

async function runPlatforms(): Promise<void> {
  const slack = await startFakeSlack();
  const discord = await startFakeDiscord();
  const slackJobs = new Map<string, SlackJob>();
  const discordJobs: DiscordJob[] = [];
  const outcomes = () => [
    ...slackOutcomes(slack, [...slackJobs.values()]),
    ...discordOutcomes(discord, discordJobs),
  ];
  process.on('message', (message: unknown) => {
    const request = requestSchema.safeParse(message);
    if (!request.success) return;
    const answer = request.data;
    if (answer.type === 'await-gateway') {
      void discord.connected().then(() => process.send?.({ type: 'gateway-connected' }));
    } else if (answer.type === 'chaos') {
      slack.setChaos(answer.chaos);
      discord.setChaos({ ...answer.chaos, seed: answer.chaos.seed + 1 });
      process.send?.({ type: 'chaos-set' });
    } else if (answer.type === 'discord-command') {
      const user = { id: answer.userId, username: answer.tag };
      const sent = discord.slashCommand({ name: 'imagine', user, options: { prompt: answer.prompt } });
      discordJobs.push({ tag: answer.tag, userId: answer.userId, token: sent.token });
    } else if (answer.type === 'slack-command') {
      slackJobs.set(answer.tag, slackJobOf(answer.tag, slack.url));
    } else if (answer.type === 'count') {
      const answered = outcomes().filter((outcome) => outcome.outcome !== 'none').length;
      process.send?.({ type: 'counted', answered });
    } else {
      const apiCalls = slack.log.filter((entry) => entry.kind === 'api').length;
      process.send?.({
        type: 'report',
        jobs: outcomes(),
        slack: { calls: apiCalls, chaos: slack.chaosStats() },
        discord: { calls: discord.records.length, chaos: discord.chaosStats() },
      } satisfies SoakReport);
    }
  });
  process.send?.({
    type: 'ready',
    slackUrl: slack.url,
    slackBotToken: slack.botToken,
    discordApiUrl: discord.apiUrl,
  });
  process.once('disconnect', () => void Promise.all([slack.close(), discord.close()]));
}

async function runImages(): Promise<void> {
  const images = await startFakeImageApi({ apiKey: benchImageKey, maxSide: 64 });
  // One small picture for every answer: the soak is about faults, not drawing.
  const background = { r: 40, g: 120, b: 200 };
  images.setFixedImage(
    await sharp({ create: { width: 64, height: 64, channels: 3, background } })
      .png()
      .toBuffer(),
  );
  process.send?.({ type: 'ready', imagesUrl: images.url });
  process.once('disconnect', () => void images.close());
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { role: { type: 'string' } } });
  const role = z.enum(['platforms', 'images']).parse(values.role);
  await (role === 'platforms' ? runPlatforms() : runImages());
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
