import { z } from 'zod';
import type { ReplyOutlet } from '../../src/commands/delivery.js';

/**
 * A destination for tests of job delivery: the console front end posts no jobs of its own, so this stands for any
 * platform's destination, with an outlet that reads it as a real one does.
 */
export const consoleDestinationSchema = z.object({ platform: z.literal('console'), sessionId: z.string() });
export type ConsoleDestination = z.infer<typeof consoleDestinationSchema>;

/** An outlet for the console destination that hands each post to `take` and answers `take`'s result. */
export function consoleOutlet(
  take: ReplyOutlet<ConsoleDestination>['deliver'] = async () => ({ messageKeys: [] }),
): ReplyOutlet<ConsoleDestination> {
  return { platform: 'console', destinationSchema: consoleDestinationSchema, deliver: take };
}
