import { describe, expect, it } from 'vitest';
import { planRequest } from '../../src/core/plan.js';
import type { ImageRequest } from '../../src/core/request.js';
import { docExamples } from '../support/doc-examples.js';

// The eight request bodies of the gateway doc (shared/docs/image-api.md), verbatim. Image data is the only thing that
// differs: the doc shows a truncated placeholder, we send a real image, and the comparison swaps one for the other.
const kitten = '一隻可愛的橙色小貓坐在花園裡,陽光明媚,高質量攝影';
const oilPainting = '將這張圖片改成油畫風格';
const placeholder = 'data:image/png;base64,iVBORw0KGgoAAxxxx...';
const png = new Uint8Array(Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'));
const image = { bytes: png, mediaType: 'image/png' };
const realDataUri = `data:image/png;base64,${Buffer.from(png).toString('base64')}`;

function withPlaceholder(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value).replaceAll(realDataUri, placeholder));
}

const docBodies = docExamples(placeholder);

// The request equivalent to each example; the body it must produce is the doc's own, from test/support/doc-examples.ts.
const requests: Record<string, ImageRequest> = {
  'Gemini text to image': {
    model: 'gemini-2.5-flash-image',
    prompt: kitten,
    size: '16:9',
    quality: 'high',
    n: 1,
    temperature: 1.1,
    topP: 0.95,
    resolution: '2K',
    outputFormat: 'png',
  },
  'Gemini edit': {
    model: 'gemini-2.5-flash-image',
    prompt: '根據這張圖生成一張俯瞰廣州塔的圖片',
    images: [image],
    size: '16:9',
    quality: 'high',
    resolution: '3K',
    temperature: 1.1,
    topP: 0.95,
  },
  'Seedream text to image': {
    model: 'doubao-seedream-4-0-250828',
    prompt: kitten,
    size: '2048x2048',
    watermark: false,
    seed: 12345,
    optimizePrompt: 'standard',
  },
  'Seedream edit': {
    model: 'doubao-seedream-4-0-250828',
    prompt: oilPainting,
    images: [image],
    size: '2048x2048',
    watermark: false,
    seed: 12345,
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
    images: [image],
    size: '1024x1024',
    quality: 'high',
    inputFidelity: 'medium',
    n: 1,
  },
  'Qwen text to image': {
    model: 'qwen-image-plus',
    prompt: '一副典雅莊重的對聯懸掛於廳堂之中,房間是個安靜古典的中式佈置',
    negativePrompt: '1',
    promptExtend: true,
    seed: 4,
    watermark: true,
  },
  'Seedream base (last example)': {
    model: 'seedream-4.0-base',
    prompt: '一隻可愛的橙色小貓坐在花園裡',
    size: '1024x1024',
    n: 1,
  },
};

const examples = Object.entries(requests).map(([name, request]) => ({
  name,
  request,
  body: docBodies[name] ?? {},
}));

describe('the gateway doc examples are golden', () => {
  for (const example of examples) {
    it(`produces the doc's body exactly: ${example.name}`, async () => {
      const plan = await planRequest(example.request);
      expect(plan.calls).toHaveLength(1);
      const body = plan.calls[0]?.body;
      expect(withPlaceholder(body)).toStrictEqual(example.body);
      // Same keys in the same order as the doc, so a diff against the doc reads line by line.
      expect(Object.keys(body ?? {})).toEqual(Object.keys(example.body));
      expect(plan.warnings).toEqual([]);
    });
  }
});
