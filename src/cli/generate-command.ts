import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { terminalSafe, terminalSafeJson } from '../bots/console/terminal-safe.js';
import { loadConfig } from '../config.js';
import { createImageClient } from '../core/client/index.js';
import { ImagineError, invalidOption } from '../core/errors.js';
import { createImageService } from '../core/image-service.js';
import { extensionFor, isImageMediaType, sniffImageType } from '../core/images/sniff.js';
import { chooseLogFormat, createLogger } from '../core/logger.js';
import { attachedStyleReference } from '../core/options/option-table.js';
import { checkPromptLength } from '../core/prompt-limit.js';
import type { InputImage } from '../core/request.js';
import type { ImageResult } from '../core/result.js';
import { exitCodes } from './exit-codes.js';
import { generateUsage, parseGenerateArgs } from './generate-args.js';
import type { CliIo } from './io.js';

async function readImageFile(file: string): Promise<InputImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    throw new ImagineError('invalid_image', `Cannot read the image file "${file}".`);
  }
  const mediaType = sniffImageType(bytes);
  if (!mediaType)
    throw new ImagineError('invalid_image', `"${file}" is not an image (PNG, JPEG, WEBP, GIF…).`);
  return { bytes, mediaType };
}

function fileStem(prompt: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  const slug = prompt
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return `${stamp}-${slug || 'image'}`;
}

/** Made before the request, so an --out that cannot be written costs no image. */
async function makeOutDir(outDir: string): Promise<void> {
  try {
    await mkdir(outDir, { recursive: true });
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'cannot be made';
    throw new ImagineError(
      'invalid_option',
      `Cannot write the images to "${outDir}" (${reason}); give --out a directory you can write to.`,
    );
  }
}

async function writeImages(
  result: ImageResult,
  outDir: string,
  prompt: string,
  now: Date,
): Promise<string[]> {
  const stem = fileStem(prompt, now);
  const paths: string[] = [];
  for (const [index, image] of result.images.entries()) {
    const file = path.join(
      outDir,
      `${stem}-${index + 1}.${isImageMediaType(image.mediaType) ? extensionFor(image.mediaType) : 'img'}`,
    );
    await writeFile(file, image.bytes);
    paths.push(file);
  }
  return paths;
}

/**
 * `--sref` (or `--sref attached`) makes the `--image` files style references. `generate` keeps no results, so a
 * result id means nothing here: it is refused rather than ignored.
 */
function styleFromFiles(styleReference: string | undefined): boolean {
  if (styleReference === undefined) return false;
  if (styleReference.trim().toLowerCase() === attachedStyleReference) return true;
  throw invalidOption(
    'styleReference',
    'generate keeps no results, so --sref cannot take a result id here: pass the style images with --image and --sref.',
  );
}

/** `imagine-bot generate`: one request, images written to disk, paths and notes printed. Returns the exit code. */
export async function runGenerate(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseGenerateArgs(argv);
  if (args.help) {
    io.stdout(generateUsage);
    return exitCodes.ok;
  }
  if (!args.prompt)
    throw new ImagineError('invalid_option', 'The prompt is empty: imagine-bot generate "a red fox".');
  const config = loadConfig(io.env);
  checkPromptLength(args.prompt, config.limits.maxPromptChars);
  // A one-shot command prints its own outcome; operator logs only when LOG_LEVEL asks for them.
  const level = io.env.LOG_LEVEL ? config.logLevel : 'error';
  const logger = createLogger({
    level,
    format: chooseLogFormat(config.logFormat, io.logIsTerminal ?? false),
    secrets: [config.imageApi.apiKey],
    sink: io.log,
  });
  const client = createImageClient({ ...config.imageApi, logger });
  const controller = new AbortController();
  const stop = io.onInterrupt(() => controller.abort());
  try {
    const files = await Promise.all(args.imageFiles.map(readImageFile));
    const images = styleFromFiles(args.request.styleReference) ? { styleImages: files } : { images: files };
    await makeOutDir(args.outDir);
    const service = createImageService({ client });
    const result = await service.generate(
      { ...args.request, model: args.request.model ?? config.defaultModel, prompt: args.prompt, ...images },
      { signal: controller.signal },
    );
    const asked = result.asked ?? args.request.n ?? 1;
    const shortfall = result.images.length < asked ? { asked, received: result.images.length } : null;
    const paths = await writeImages(result, args.outDir, args.prompt, io.now());
    const revisedPrompts = result.images.flatMap((image) =>
      image.revisedPrompt ? [image.revisedPrompt] : [],
    );
    if (args.json) {
      io.stdout(
        `${terminalSafeJson({
          model: result.model,
          images: result.images.map((image, index) => ({
            path: paths[index],
            mediaType: image.mediaType,
            bytes: image.bytes.length,
            revisedPrompt: image.revisedPrompt ?? null,
          })),
          warnings: result.warnings.map((warning) => warning.message),
          failures: result.failures.map((failure) => ({ code: failure.code, message: failure.message })),
          shortfall,
          requestIds: result.requestIds,
        })}\n`,
      );
    } else {
      // Revised prompts and failures are the API's words, paths and warnings may quote the command line.
      const stdout = (text: string) => io.stdout(`${terminalSafe(text)}\n`);
      const stderr = (text: string) => io.stderr(`${terminalSafe(text)}\n`);
      for (const file of paths) stdout(file);
      for (const revised of new Set(revisedPrompts)) stdout(`revised prompt: ${revised}`);
      for (const warning of result.warnings) stderr(`warning: ${warning.message}`);
      for (const failure of result.failures) stderr(`failed: ${failure.message}`);
      if (shortfall) stderr(`${shortfall.received} of ${shortfall.asked} images came back`);
    }
    return result.failures.length > 0 || shortfall ? exitCodes.partlyFailed : exitCodes.ok;
  } finally {
    stop();
    await client.close();
  }
}
