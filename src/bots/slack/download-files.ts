import type { webApi } from '@slack/bolt';
import { z } from 'zod';
import type { LazyAttachment } from '../../core/attachment.js';
import { ImagineError } from '../../core/errors.js';
import { describeBytes } from '../../core/images/index.js';
import type {
  AttachmentDownloader,
  AttachmentPolicy,
  RemoteFile,
} from '../../core/net/attachment-downloader.js';

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

/** Where Slack serves private files; the bot token goes there and to the Web API's origin, nowhere else. */
export const slackFilesOrigin = 'https://files.slack.com';

/** Files are read from files.slack.com and SLACK_API_URL's origin (a fake Slack in tests), with the bot token. */
export function slackFilePolicy(botToken: string, apiUrl: string): AttachmentPolicy {
  const headers = { authorization: `Bearer ${botToken}` };
  const origins = [...new Set([slackFilesOrigin, new URL(apiUrl).origin])];
  return {
    platform: 'Slack',
    home: "Slack's file server",
    origins: origins.map((origin) => ({ origin, headers })),
    explainNotImage(download, file) {
      const looksLikePage =
        download.contentType.startsWith('text/html') || describeBytes(download.bytes) === 'text/HTML';
      if (!looksLikePage || file.declaredType?.startsWith('text/')) return undefined;
      // Slack answers a sign-in page, not an error, when the token lacks files:read.
      return new ImagineError(
        'invalid_image',
        `Slack sent a sign-in page instead of "${file.name}": the app needs the files:read scope. ` +
          'An admin can add it (slack/manifest.yml lists it) and reinstall the app.',
      );
    },
  };
}

export interface SlackFileSources {
  client: webApi.WebClient;
  downloads: AttachmentDownloader;
  policy: AttachmentPolicy;
}

/** The files of a message as attachments read later, once the user's quota slot is taken. */
export function slackAttachments(files: readonly SlackFile[], sources: SlackFileSources): LazyAttachment[] {
  return files.map((file) => {
    const remote = remoteFile(file);
    if (remote) return sources.downloads.attachment(remote, sources.policy);
    return {
      name: file.name ?? 'the file',
      ...(file.size !== undefined && { declaredBytes: file.size }),
      read: async () => sources.downloads.read(await askWhere(file, sources.client), sources.policy),
    };
  });
}

function remoteFile(file: SlackFile): RemoteFile | undefined {
  const url = file.url_private_download ?? file.url_private;
  if (!url || file.file_access === 'check_file_info') return undefined;
  return {
    name: file.name ?? 'the file',
    url,
    ...(file.size !== undefined && { declaredBytes: file.size }),
    ...(file.mimetype !== undefined && { declaredType: file.mimetype }),
  };
}

/** A Slack Connect file arrives partial: files.info says where it is. */
async function askWhere(file: SlackFile, client: webApi.WebClient): Promise<RemoteFile> {
  const info = fileInfoSchema.safeParse(await client.files.info({ file: file.id }));
  const complete = info.success ? remoteFile({ ...info.data.file, file_access: 'visible' }) : undefined;
  if (!complete) {
    throw new ImagineError('invalid_image', `Slack did not say where "${file.name ?? file.id}" is.`);
  }
  return complete;
}
