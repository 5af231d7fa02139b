import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeImageApi, startFakeImageApi } from '../../../src/dev/fake-image-api/index.js';
import { type FakeSlack, startFakeSlack, waitFor } from '../../fakes/slack/index.js';
import { sentinelKey } from '../../support/bot-harness.js';
import { imagineResult, type SlackHarness, startSlackHarness } from './slack-harness.js';

describe('result buttons', () => {
  let directory: string;
  let slack: FakeSlack;
  let images: FakeImageApi;
  let storeUrl: string;
  const harnesses: SlackHarness[] = [];
  const start = async () => {
    // Images on disk next to the SQLite file, so a restart finds both.
    const imageStoreUrl = `file://${join(directory, 'images')}`;
    const harness = await startSlackHarness({
      slack,
      images,
      storeUrl,
      env: { IMAGE_STORE_URL: imageStoreUrl },
    });
    harnesses.push(harness);
    return harness;
  };
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'imagine-slack-'));
    storeUrl = `sqlite://${join(directory, 'bot.sqlite')}`;
    slack = await startFakeSlack();
    images = await startFakeImageApi({ apiKey: sentinelKey, maxSide: 256 });
  });
  afterEach(async () => {
    for (const harness of harnesses.splice(0)) await harness.close();
    await slack.close();
    await images.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('re-rolls from a button after a restart (new app, same SQLite file), into the result thread', async () => {
    const before = await start();
    const first = await imagineResult(before, 'a red fox');
    await before.close();
    harnesses.length = 0;

    const after = await start();
    const pressed = await after.press({
      actionId: 'imagine:reroll',
      value: first.jobId,
      messageTs: first.ts,
    });
    expect(pressed).toEqual({ status: 200, text: '' });
    await waitFor(() => slack.shared.length === 2, 'the re-roll');
    expect(after.prompts()).toEqual(['a red fox', 'a red fox']);
    expect(slack.calls('chat.postMessage')[1]?.params.thread_ts).toBe(first.ts);
    const result = slack.calls('chat.update').at(-1);
    expect(result?.params.text).toBe('“a red fox”');
    expect(slack.shared[1]).toMatchObject({ threadTs: first.ts, bytes: images.images[1] });
    // Linked to its message once the outlet has posted it.
    await after.app.jobDelivery.idle();
    const rerollJob = await after.app.services.conversations.jobOfMessage(`slack:C0001:${result?.params.ts}`);
    const job = await after.app.services.jobs.get(rerollJob ?? '');
    expect(job).toMatchObject({
      kind: 'reroll',
      parentId: first.jobId,
      requester: { id: 'slack:T0001:U0USER' },
    });
  });

  it('opens the edit modal at once and edits with the submitted text', async () => {
    const harness = await start();
    const first = await imagineResult(harness, 'a red fox');
    await harness.press({ actionId: 'imagine:edit', value: first.jobId, messageTs: first.ts });
    const [open] = await waitFor(
      () => slack.calls('views.open').length === 1 && slack.calls('views.open'),
      'the modal',
    );
    expect(open?.params.trigger_id).toBe('789.012.def');
    const view = JSON.parse(open?.params.view ?? '{}');
    expect(view).toMatchObject({ type: 'modal', callback_id: 'imagine-edit' });
    expect(JSON.parse(view.private_metadata)).toEqual({
      jobId: first.jobId,
      channel: 'C0001',
      threadTs: first.ts,
    });
    expect(images.requests).toHaveLength(1);

    const empty = await harness.submitEdit(view.private_metadata, '   ');
    expect(JSON.parse(empty.text)).toEqual({
      response_action: 'errors',
      errors: { edit: 'Say what to change, e.g. "make the sky purple".' },
    });
    const submitted = await harness.submitEdit(view.private_metadata, 'make it purple');
    expect(submitted).toEqual({ status: 200, text: '' });
    await waitFor(() => slack.shared.length === 2, 'the edit');
    expect(harness.prompts()).toEqual(['a red fox', 'make it purple']);
    expect(slack.shared[1]?.threadTs).toBe(first.ts);
    expect(slack.calls('chat.update').at(-1)?.params.text).toBe('“make it purple”');
  });

  it('deletes the result message for its requester only', async () => {
    const harness = await start();
    const first = await imagineResult(harness, 'a red fox');
    await harness.press({
      actionId: 'imagine:delete',
      value: first.jobId,
      messageTs: first.ts,
      user: 'U0OTHER',
    });
    const [refusal] = await waitFor(
      () => slack.calls('chat.postEphemeral').length === 1 && slack.calls('chat.postEphemeral'),
      'the refusal',
    );
    expect(refusal?.params).toMatchObject({
      channel: 'C0001',
      user: 'U0OTHER',
      thread_ts: first.ts,
      text: 'Only the person who asked for this image, or an admin, can delete it.',
    });
    expect(slack.calls('chat.delete')).toEqual([]);

    await harness.press({ actionId: 'imagine:delete', value: first.jobId, messageTs: first.ts });
    const [deletion] = await waitFor(
      () => slack.calls('chat.delete').length === 1 && slack.calls('chat.delete'),
      'delete',
    );
    expect(deletion?.params).toMatchObject({ channel: 'C0001', ts: first.ts });
    expect(slack.messages().map((message) => message.ts)).not.toContain(first.ts);
  });
});
