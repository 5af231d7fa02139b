import sharp from 'sharp';
import { z } from 'zod';
import type { FakeImageApi } from '../../src/dev/fake-image-api/index.js';

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

/** The eight request bodies of image-api.md, verbatim but for the image placeholder. */
export function docExamples(image: string): Record<string, Record<string, unknown>> {
  const kitten = '一隻可愛的橙色小貓坐在花園裡,陽光明媚,高質量攝影';
  const oilPainting = '將這張圖片改成油畫風格';
  return {
    'Gemini text to image': {
      model: 'gemini-2.5-flash-image',
      prompt: kitten,
      size: '16:9',
      quality: 'high',
      n: 1,
      temperature: 1.1,
      top_p: 0.95,
      response_format: 'b64_json',
      image_size: '2K',
      mime_type: 'image/png',
      response_modalities: 'image',
    },
    'Gemini edit': {
      model: 'gemini-2.5-flash-image',
      size: '16:9',
      quality: 'high',
      image_size: '3K',
      temperature: 1.1,
      top_p: 0.95,
      response_format: 'b64_json',
      contents: [{ role: 'user', parts: [{ text: '根據這張圖生成一張俯瞰廣州塔的圖片' }, { image }] }],
    },
    'Seedream text to image': {
      model: 'doubao-seedream-4-0-250828',
      prompt: kitten,
      size: '2048x2048',
      watermark: false,
      seed: 12345,
      optimize_prompt_options: { mode: 'standard' },
    },
    'Seedream edit': {
      model: 'doubao-seedream-4-0-250828',
      prompt: oilPainting,
      size: '2048x2048',
      watermark: false,
      seed: 12345,
      contents: [{ role: 'user', parts: [{ image }, { text: oilPainting }] }],
    },
    'GPT Image text to image': {
      model: 'gpt-image-1',
      prompt: kitten,
      size: '1024x1024',
      quality: 'high',
      n: 1,
    },
    'GPT Image edit': {
      model: 'gpt-image-1',
      prompt: oilPainting,
      size: '1024x1024',
      quality: 'high',
      input_fidelity: 'medium',
      n: 1,
      image,
    },
    'Qwen text to image': {
      model: 'qwen-image-plus',
      input: {
        messages: [
          {
            role: 'user',
            content: [{ text: '一副典雅莊重的對聯懸掛於廳堂之中,房間是個安靜古典的中式佈置' }],
          },
        ],
      },
      parameters: { negative_prompt: '1', prompt_extend: true, seed: '4', watermark: true },
    },
    'Seedream base (last example)': {
      model: 'seedream-4.0-base',
      prompt: '一隻可愛的橙色小貓坐在花園裡',
      size: '1024x1024',
      n: 1,
    },
  };
}
