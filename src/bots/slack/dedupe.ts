import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { z } from 'zod';
import type { Logger } from '../../core/logger.js';
import type { Store } from '../../core/store/store.js';

/** Slack retries for about 5 minutes; an hour covers every retry with room to spare. */
const claimTtlMs = 60 * 60 * 1000;
const eventEnvelope = z.object({ event_id: z.string().min(1) });

/**
 * Slack redelivers an event it thinks went unanswered (`X-Slack-Retry-Num`), and Bolt does not deduplicate:
 * each `event_id` runs once, claimed in the shared store so it also holds across instances.
 */
export function dedupeEvents(store: Store, logger: Logger, owner: string): Middleware<AnyMiddlewareArgs> {
  return async ({ body, context, next }) => {
    const envelope = eventEnvelope.safeParse(body);
    if (!envelope.success) return next();
    const eventId = envelope.data.event_id;
    let first = true;
    try {
      first = await store.claim(`slack-event:${eventId}`, owner, claimTtlMs);
    } catch (error) {
      // Answering twice beats never answering.
      logger.warn('could not claim a Slack event; handling it anyway', { eventId, error });
    }
    if (!first) {
      logger.info('duplicate Slack event ignored', { eventId, retryNum: context.retryNum });
      return;
    }
    await next();
  };
}
