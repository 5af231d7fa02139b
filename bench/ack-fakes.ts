/**
 * The ack benchmark's fakes, in their own process so their work costs the measured bot nothing: the fake Slack
 * (Web API and response_url) and the fake image API. Tells the parent where they listen, then waits.
 */
import { pathToFileURL } from 'node:url';
import { startFakeImageApi } from '../src/dev/fake-image-api/index.js';
import { startFakeSlack } from '../test/fakes/slack/index.js';

export const benchImageKey = 'bench-image-key';

async function main(): Promise<void> {
  const slack = await startFakeSlack();
  const images = await startFakeImageApi({ apiKey: benchImageKey, maxSide: 64 });
  const ready = { type: 'ready', slackUrl: slack.url, botToken: slack.botToken, imagesUrl: images.url };
  if (process.send) {
    process.send(ready);
    process.once('disconnect', () => void Promise.all([slack.close(), images.close()]));
  } else {
    console.log(ready);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
