import sharp from 'sharp';
import { z } from 'zod';
import { expectedImagesFor, type FakeImageApi } from '../../src/dev/fake-image-api/index.js';

export const itemSchema = z.strictObject({
  url: z.string(),
  b64_json: z.string(),
  revised_prompt: z.string(),
});
export type Item = z.infer<typeof itemSchema>;
export const wrappedSchema = z.strictObject({
  code: z.literal(200),
  msg: z.literal('操作成功'),
  data: z.strictObject({ data: z.array(itemSchema), created: z.number().int() }),
});
export const plainSchema = z.strictObject({ created: z.number().int(), data: z.array(itemSchema) });

export async function solidPng(colour: string, width = 8, height = 8): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

export function dataUri(bytes: Buffer, mediaType = 'image/png'): string {
  return `data:${mediaType};base64,${bytes.toString('base64')}`;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

export async function post(
  api: FakeImageApi,
  body: unknown,
  headers: Record<string, string> = {},
  path = '/v1/images/generations',
): Promise<Answer> {
  const response = await fetch(`${api.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The `data` items of a success answer in either shape. */
export function itemsOf(answer: Answer): Item[] {
  const json: unknown = JSON.parse(answer.text);
  const wrapped = wrappedSchema.safeParse(json);
  return wrapped.success ? wrapped.data.data.data : plainSchema.parse(json).data;
}

/** Each item's image: its base64, or else its url downloaded over HTTP. */
export async function imagesOf(answer: Answer): Promise<Buffer[]> {
  const images: Buffer[] = [];
  for (const item of itemsOf(answer)) {
    if (item.b64_json !== '') {
      images.push(Buffer.from(item.b64_json, 'base64'));
      continue;
    }
    const download = await fetch(item.url);
    if (download.status !== 200) throw new Error(`download of ${item.url} answered ${download.status}`);
    images.push(Buffer.from(await download.arrayBuffer()));
  }
  return images;
}

export function jsonOf(answer: Answer): unknown {
  return JSON.parse(answer.text);
}

export const pngMagic = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
export const jpegMagic = Buffer.from([0xff, 0xd8, 0xff]);

export { docExamples } from '../support/doc-examples.js';

/** The longest side the test fakes draw at, so tests stay fast (the demo draws full size). */
export const smallSide = 256;

/** What the fake answered its last generation request, recomputed from the body and the seeds it recorded. */
export async function expectedLast(
  api: FakeImageApi,
  maxSide: number | undefined = smallSide,
): Promise<Buffer[]> {
  const last = api.requests.findLast((request) => request.path === '/v1/images/generations');
  return expectedImagesFor(last?.body, { maxSide, seeds: last?.seeds });
}

/** Decoded RGB pixels, to compare pictures rather than encodings. */
export function pixelsOf(image: Buffer | undefined): Promise<Buffer> {
  return sharp(image).removeAlpha().raw().toBuffer();
}
