import { randomUUID } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { createImageStore, sha256Hex } from '../../../src/core/store/index.js';
import { dataUri, onlyReply, startHarness } from '../../support/bot-harness.js';
import { s3Credentials, startLocalS3 } from '../../support/s3-server.js';

const local = await startLocalS3();
afterAll(() => local.close());

it('keeps a job result in the S3 bucket and sends it back from there for variations', async () => {
  const prefix = randomUUID();
  const imageStore = await createImageStore(local.url(prefix), { credentials: s3Credentials });
  const harness = await startHarness({ imageStore });
  try {
    const result = onlyReply(
      await harness.app.brain.text('a lighthouse --model gpt-image', [], harness.context()),
      'result',
    );
    const [made] = harness.fake.images;
    expect(result.images.map((image) => image.bytes)).toStrictEqual([made]);
    const objects = await local.objects(`${prefix}/`);
    expect(objects.map((object) => ({ key: object.key, bytes: object.bytes }))).toStrictEqual([
      { key: `${prefix}/${sha256Hex(made ?? Buffer.alloc(0))}`, bytes: made },
    ]);

    const variations = await harness.app.brain.button('variations', result.jobId ?? '', harness.context());
    expect(onlyReply(variations, 'result').images).toHaveLength(1);
    expect(harness.bodies()[1]).toMatchObject({ image: dataUri(made) });
  } finally {
    await harness.close();
    await imageStore.close();
  }
});
