import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/** s3rver checks signatures against this pair (its built-in account). */
export const s3Credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  /** IMAGE_STORE_URL for this server and bucket, with an optional key prefix. */
  url(prefix?: string): string;
  /** The objects under `prefix`, read with the SDK directly (not through the image store). */
  objects(prefix: string): Promise<{ key: string; bytes: Buffer; metadata: Record<string, string> }[]>;
  close(): Promise<void>;
}

/** A local S3-compatible server (s3rver, files in a temporary folder) on 127.0.0.1 with a random port. */
export async function startLocalS3(bucket = 'imagine-images'): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), 'imagine-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: s3Credentials,
  });
  return {
    endpoint,
    bucket,
    url: (prefix = '') =>
      `s3://${bucket}${prefix && `/${prefix}`}?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1`,
    async objects(prefix) {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      return Promise.all(
        (listed.Contents ?? []).map(async ({ Key: key = '' }) => {
          const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
          const bytes = Buffer.from((await object.Body?.transformToByteArray()) ?? []);
          return { key, bytes, metadata: object.Metadata ?? {} };
        }),
      );
    },
    async close() {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
