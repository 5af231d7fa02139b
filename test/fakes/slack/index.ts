export type { PlatformChaos, PlatformChaosStats } from '../chaos.js';
export {
  type DownloadHold,
  type FakeSlack,
  type FakeSlackOptions,
  type PrivateFileOptions,
  signInPage,
  startFakeSlack,
} from './fake-slack.js';
export type { ApiCall, FakeMessage, Recorded, SharedFile, SlackFault } from './records.js';
export {
  type ButtonPress,
  blockActionsBody,
  eventBody,
  type SignedPostOptions,
  type SignedResponse,
  signature,
  signedPost,
  slashCommandBody,
  viewSubmissionBody,
} from './slack-requests.js';
export { waitFor } from './wait-for.js';
