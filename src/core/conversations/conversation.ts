import { z } from 'zod';
import { imageRefSchema } from '../images/image-ref.js';

export const turnSchema = z.object({
  role: z.enum(['user', 'model']),
  text: z.string().optional(),
  images: z.array(imageRefSchema).default([]),
  /** The job that produced a model turn, or that a user turn asked for. */
  jobId: z.string().optional(),
});
export type Turn = z.infer<typeof turnSchema>;

/** One thread's conversation: the turns so far, oldest first. */
export const conversationSchema = z.object({
  id: z.string(),
  channelId: z.string(),
  turns: z.array(turnSchema).default([]),
  /** The latest job that produced images in this conversation: the image an edit continues from. */
  currentJobId: z.string().optional(),
  updatedAt: z.number(),
});
export type Conversation = z.infer<typeof conversationSchema>;
