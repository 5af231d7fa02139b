import type { webApi } from '@slack/bolt';
import { z } from 'zod';
import { formatBytes } from '../../commands/replies/index.js';
import { ImagineError } from '../../core/errors.js';
import { describeBytes, sniffImageType } from '../../core/images/index.js';
import type { InputImage } from '../../core/request.js';

/** Far above any model's input limit; the brain downsizes what it can, this only keeps memory bounded. */
const maxFileBytes = 64 * 1024 * 1024;
const downloadTimeoutMs = 60_000;

export const slackFileSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  mimetype: z.string().optional(),
  size: z.number().optional(),
  url_private: z.string().optional(),
  url_private_download: z.string().optional(),
  // Slack Connect: the file arrives partial; files.info has the rest.
  file_access: z.string().optional(),
});
export type SlackFile = z.infer<typeof slackFileSchema>;

const fileInfoSchema = z.object({ file: slackFileSchema });

export interface DownloadOptions {
  client: webApi.WebClient;
  botToken: string;
  fetch?: typeof fetch;
}

/** The files of a message as images, downloaded with the bot token; a non-image is a clear ImagineError. */
export async function downloadFiles(
  files: readonly SlackFile[],
  options: DownloadOptions,
): Promise<InputImage[]> {
  const images: InputImage[] = [];
  for (const file of files) images.push(await downloadFile(await complete(file, options.client), options));
  return images;
}

async function complete(file: SlackFile, client: webApi.WebClient): Promise<SlackFile> {
  if (file.file_access !== 'check_file_info' && (file.url_private_download ?? file.url_private)) return file;
  const info = fileInfoSchema.safeParse(await client.files.info({ file: file.id }));
  if (!info.success) throw new ImagineError('invalid_image', `Slack did not say where ${nameOf(file)} is.`);
  return info.data.file;
}

async function downloadFile(file: SlackFile, options: DownloadOptions): Promise<InputImage> {
  const url = file.url_private_download ?? file.url_private;
  if (!url) throw new ImagineError('invalid_image', `Slack did not say where ${nameOf(file)} is.`);
  if (file.size !== undefined && file.size > maxFileBytes) throw tooLarge(file, file.size);
  const response = await (options.fetch ?? fetch)(url, {
    headers: { authorization: `Bearer ${options.botToken}` },
    signal: AbortSignal.timeout(downloadTimeoutMs),
  }).catch((error: unknown) => {
    throw new ImagineError('invalid_image', `Could not download ${nameOf(file)} from Slack.`, {
      cause: error,
    });
  });
  if (!response.ok) {
    throw new ImagineError(
      'invalid_image',
      `Could not download ${nameOf(file)} from Slack (HTTP ${response.status}).`,
    );
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxFileBytes) throw tooLarge(file, declared);
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > maxFileBytes) throw tooLarge(file, bytes.length);
  const mediaType = sniffImageType(bytes);
  if (mediaType) return { bytes, mediaType };
  const contentType = response.headers.get('content-type') ?? '';
  const looksLikePage = contentType.startsWith('text/html') || describeBytes(bytes) === 'text/HTML';
  if (looksLikePage && !(file.mimetype ?? '').startsWith('text/')) {
    // Slack answers a login page, not an error, when the token lacks files:read.
    throw new ImagineError(
      'invalid_image',
      `Slack sent a sign-in page instead of ${nameOf(file)}: the app needs the files:read scope. ` +
        'An admin can add it (slack/manifest.yml lists it) and reinstall the app.',
    );
  }
  throw new ImagineError(
    'invalid_image',
    `${nameOf(file)} is not an image (it looks like ${describeBytes(bytes)}). Attach PNG, JPEG, WEBP or GIF files.`,
  );
}

function nameOf(file: SlackFile): string {
  return file.name ? `"${file.name}"` : 'the file';
}

function tooLarge(file: SlackFile, size: number): ImagineError {
  return new ImagineError(
    'invalid_image',
    `${nameOf(file)} is ${formatBytes(size)}; images up to ${formatBytes(maxFileBytes)} can be attached.`,
  );
}
