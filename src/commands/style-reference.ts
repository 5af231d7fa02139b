import type { LazyAttachment } from '../core/attachment.js';
import { ImagineError } from '../core/errors.js';
import type { ImageRef } from '../core/jobs/job.js';
import { attachedStyleReference } from '../core/options/option-table.js';
import type { InputImage } from '../core/request.js';
import { readImages, storeImages, unreadImages } from './job-factory.js';
import type { BotServices } from './services.js';

/**
 * Where a request's style references come from (`--sref`): the images of an earlier result (by the id its caption
 * shows), or the attached images, which then are not the subject. `subject` are the attachments left to edit.
 */
export interface StyleReferences {
  subject: readonly LazyAttachment[];
  /** Stand-ins for validation before the quota slot, as many as there will be style images. */
  unread: InputImage[];
  /** Reads and stores the style images (after the slot is taken). */
  store(): Promise<ImageRef[]>;
}

const noStyle = (attachments: readonly LazyAttachment[]): StyleReferences => ({
  subject: attachments,
  unread: [],
  store: async () => [],
});

export async function styleReferences(
  services: BotServices,
  value: string | undefined,
  attachments: readonly LazyAttachment[],
): Promise<StyleReferences> {
  if (value === undefined) return noStyle(attachments);
  const wanted = value.trim().replace(/^#/, '');
  if (wanted.toLowerCase() === attachedStyleReference) {
    if (attachments.length === 0) {
      throw new ImagineError(
        'invalid_option',
        '--sref attached needs attached images (they give the style), or give a result id: --sref <id>.',
        { option: 'styleReference' },
      );
    }
    return {
      subject: [],
      unread: unreadImages(attachments),
      store: async () => storeImages(services, await readImages(attachments)),
    };
  }
  const job = await services.jobs.get(wanted);
  const refs = job?.status === 'done' ? job.resultImages : [];
  if (refs.length === 0) {
    throw new ImagineError(
      'invalid_option',
      `No result has the id "${wanted}": --sref takes the id shown at the end of a result's caption (results are kept for a limited time), or "attached".`,
      { option: 'styleReference' },
    );
  }
  return {
    subject: attachments,
    unread: refs.map((ref) => ({ bytes: new Uint8Array(0), mediaType: ref.mediaType })),
    store: async () => refs,
  };
}
