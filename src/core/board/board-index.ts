import { z } from 'zod';
import { imageRefSchema } from '../images/image-ref.js';
import { jobKinds } from '../jobs/job.js';

/**
 * One result on a channel's team board: what the grid, the family tree and the compare view show. Written once
 * per finished job with images (by whichever process ran it), read by the board server.
 */
export const boardEntrySchema = z.object({
  jobId: z.string(),
  /** Platform-qualified channel (`discord:<id>`, `slack:<team>/<channel>`, `console:local`), as on the job. */
  channelId: z.string(),
  kind: z.enum(jobKinds),
  /** The job it came from (an edit, variation, upscale, zoom, pan or re-roll of that job's images). */
  parentId: z.string().optional(),
  /** Which of the parent's images it was made from (1-based), when known. */
  parentImage: z.number().int().min(1).optional(),
  conversationId: z.string(),
  /** The user's own words. */
  prompt: z.string(),
  /** The model that really ran. */
  model: z.string(),
  /** The command that reproduces it: `/imagine <prompt> --model … --size …` (the "copy prompt with flags" button). */
  command: z.string(),
  /** The options it ran with, as `name: value` pairs for the compare view. */
  options: z.record(z.string(), z.string()).default({}),
  requester: z.object({ id: z.string(), name: z.string().optional() }),
  /** Compare jobs: the label shown with the result. */
  label: z.string().optional(),
  images: z.array(imageRefSchema.extend({ width: z.number().optional(), height: z.number().optional() })),
  /** A link back to the result's message in Discord or Slack, once posted. */
  messageUrl: z.string().optional(),
  createdAt: z.number(),
  /** When its images expire (IMAGE_TTL_DAYS after it was made; later once it is a favourite). */
  expiresAt: z.number(),
});
export type BoardEntry = z.infer<typeof boardEntrySchema>;

export interface BoardFilter {
  model?: string;
  /** Matches the requester's id or name. */
  person?: string;
  /** Case-insensitive substring of the prompt. */
  text?: string;
  favouritesOnly?: boolean;
}

export interface BoardPage {
  entries: BoardEntry[];
  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  nextCursor?: string;
}

export interface FavouriteMark {
  jobId: string;
  /** 1-based image of the job's result. */
  image: number;
  by: string;
  at: number;
}

/** A channel's results, newest first, their family tree and its favourites; shared by every instance via the store. */
export interface BoardIndex {
  /** False when the job was on the board already (a result's second message, another instance). */
  record(entry: BoardEntry): Promise<boolean>;
  /** Sets the link back to the message (after the platform posted the result). */
  linkMessage(jobId: string, messageUrl: string): Promise<void>;
  get(jobId: string): Promise<BoardEntry | undefined>;
  /** Newest first; `limit` default 60. */
  list(channelId: string, filter: BoardFilter, page: { cursor?: string; limit?: number }): Promise<BoardPage>;
  /** Jobs made from this one (edits, variations, upscales, zooms, pans, re-rolls), oldest first. */
  children(jobId: string): Promise<BoardEntry[]>;
  /** Stars (on) or unstars (off) one image; a favourite keeps its job and images for FAVOURITE_TTL_DAYS. */
  setFavourite(jobId: string, image: number, by: string, on: boolean): Promise<void>;
  favourites(jobId: string): Promise<FavouriteMark[]>;
  /** Distinct models and people in the channel, for the filter menus. */
  facets(channelId: string): Promise<{ models: string[]; people: { id: string; name?: string }[] }>;
}
