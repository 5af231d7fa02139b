import type { Attachment } from 'discord.js';
import type { LazyAttachment } from '../../core/attachment.js';
import type { AttachmentDownloader, AttachmentPolicy } from '../../core/net/attachment-downloader.js';

/** Discord's CDN hosts: attachments are signed URLs there, fetched with no token. */
export const discordCdnOrigins = ['https://cdn.discordapp.com', 'https://media.discordapp.net'] as const;

/** Attachments are read from Discord's CDN and DISCORD_API_URL's origin (a fake Discord in tests), nowhere else. */
export function discordFilePolicy(apiUrl: string): AttachmentPolicy {
  const origins = [...new Set([...discordCdnOrigins, new URL(apiUrl).origin])];
  return { platform: 'Discord', home: "Discord's CDN", origins: origins.map((origin) => ({ origin })) };
}

/** The attachments that are images by their declared type or name (the bytes are checked when read). */
export function imageAttachments(attachments: Iterable<Attachment>): Attachment[] {
  return [...attachments].filter(
    (attachment) =>
      attachment.contentType?.startsWith('image/') ??
      /\.(png|jpe?g|webp|gif|bmp|tiff?)$/i.test(attachment.name),
  );
}

/** Discord attachments as files a command reads once the user's quota slot is taken. */
export function lazyAttachments(
  attachments: readonly Attachment[],
  sources: { downloads: AttachmentDownloader; filePolicy: AttachmentPolicy },
): LazyAttachment[] {
  return attachments.map((attachment) =>
    sources.downloads.attachment(
      {
        name: attachment.name,
        url: attachment.url,
        declaredBytes: attachment.size,
        ...(attachment.contentType && { declaredType: attachment.contentType }),
      },
      sources.filePolicy,
    ),
  );
}
