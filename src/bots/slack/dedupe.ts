import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { z } from 'zod';
import type { Brain } from '../../commands/brain.js';
import type { Logger } from '../../core/logger.js';
import { signedDeliveryProperty } from './early-command-ack.js';
import { requestTimestampToleranceSeconds } from './signed-receiver.js';

/** Slack retries for about 5 minutes; an hour covers every retry with room to spare. */
const claimTtlMs = 60 * 60 * 1000;
const eventEnvelope = z.object({ event_id: z.string().min(1) });
/**
 * A signed request is accepted while our clock is within the tolerance either side of its timestamp, so a replay
 * can arrive at most twice the tolerance after the first delivery; the extra minutes cover instances whose
 * clocks disagree a little.
 */
const deliveryClaimTtlMs = (2 * requestTimestampToleranceSeconds + 5 * 60) * 1000;
const signedContext = z.object({ [signedDeliveryProperty]: z.string().min(1) });

/**
 * Slack redelivers an event it thinks went unanswered (`X-Slack-Retry-Num`), and Bolt does not deduplicate:
 * each `event_id` runs once, claimed in the shared store so it also holds across instances.
 */
export function dedupeEvents(brain: Brain, logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async ({ body, context, next }) => {
    const envelope = eventEnvelope.safeParse(body);
    if (!envelope.success) return next();
    const eventId = envelope.data.event_id;
    if (!(await brain.claimEvent(`slack-event:${eventId}`, claimTtlMs))) {
      logger.info('duplicate Slack event ignored', { eventId, retryNum: context.retryNum });
      return;
    }
    await next();
  };
}

/**
 * A signed HTTP request replayed as is (same body, timestamp and signature) passes Bolt's checks for as long as
 * the timestamp is in the window. Each signed delivery runs once, claimed in the shared store so it also holds
 * across instances: false for a replay, which is logged.
 */
export function signedDeliveryClaim(
  brain: Brain,
  logger: Logger,
): (delivery: string, type: unknown) => Promise<boolean> {
  return async (delivery, type) => {
    if (await brain.claimEvent(`slack-delivery:${delivery}`, deliveryClaimTtlMs)) return true;
    logger.warn('replayed Slack request ignored', { delivery: delivery.slice(0, 16), type });
    return false;
  };
}

/**
 * The claim of `signedDeliveryClaim` for what the receiver did not claim already (all but slash commands): a
 * replay is acked (200, empty) and does nothing. Socket Mode requests carry no signature.
 */
export function dedupeSignedDeliveries(brain: Brain, logger: Logger): Middleware<AnyMiddlewareArgs> {
  const claim = signedDeliveryClaim(brain, logger);
  return async (args) => {
    const signed = signedContext.safeParse(args.context);
    if (!signed.success) return args.next();
    if (!(await claim(signed.data[signedDeliveryProperty], args.body.type))) {
      await args.ack?.();
      return;
    }
    await args.next();
  };
}
