import { z } from 'zod';

/** An image kept in the store's blob space, by content hash (jobs and conversations both point at images so). */
export const imageRefSchema = z.object({ hash: z.string().min(1), mediaType: z.string() });
export type ImageRef = z.infer<typeof imageRefSchema>;
