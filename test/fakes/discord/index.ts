export type { PlatformChaos, PlatformChaosStats } from '../chaos.js';
export type { FakeDiscordEvents, UploadedFile } from './events.js';
export { type FakeDiscord, startFakeDiscord } from './fake-discord.js';
export {
  type DiscordFault,
  type DiscordRecord,
  discordErrors,
  type RecordedFile,
} from './fake-state.js';
export type { GatewayDelivery } from './gateway.js';
export type { FakeUser, MessageObject } from './payloads.js';
export type { SentInteraction } from './rest-routes.js';
export {
  adminRoleId,
  applicationId,
  artistRoleId,
  botUser,
  generalChannelId,
  guildId,
  messageContentFlag,
  otherChannelId,
  secondGuildChannelId,
  secondGuildId,
  shardOf,
} from './world.js';
