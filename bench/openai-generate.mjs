// The yardstick for `npm run bench -- cli`: one image through the openai SDK, written to a file, as a short user
// script would do it. Plain JavaScript run by plain node, so nothing but the SDK is loaded.
// node bench/openai-generate.mjs <base URL> <out directory>
import { writeFile } from 'node:fs/promises';
import OpenAI from 'openai';

const [baseURL, outDirectory] = process.argv.slice(2);
const client = new OpenAI({ baseURL: `${baseURL}/v1`, apiKey: 'fake', maxRetries: 0 });
// The same body `imagine-bot generate "a red fox"` sends, so the fake answers both with the same image.
const result = await client.images.generate({
  model: 'gemini-2.5-flash-image',
  prompt: 'a red fox',
  n: 1,
  response_format: 'b64_json',
  image_size: '1K',
  response_modalities: 'image',
});
await writeFile(`${outDirectory}/image-1.png`, Buffer.from(result.data?.[0]?.b64_json ?? '', 'base64'));
