import type { App, ReceiverEvent } from '@slack/bolt';
import { z } from 'zod';
import type { AccessPolicy } from './access.js';
import { commandAck } from './command-ack.js';

/** The context property (Bolt custom property) that names one signed delivery. */
export const signedDeliveryProperty = 'signedDelivery';

const slashCommandBody = z.object({
  command: z.string(),
  team_id: z.string(),
  channel_id: z.string(),
  user_id: z.string(),
  text: z.string(),
});

export interface EarlyCommandAckOptions {
  /** The slash command acked here (`/imagine`); any other goes to the app as is. */
  command: string;
  /** The dedupe claim of one signed delivery: false for a replay (acked empty, nothing runs). */
  claimDelivery(delivery: string, type: string): Promise<boolean>;
  access: AccessPolicy;
  /** Resolves once the burst's other requests are acked too: Bolt's app runs the command after that. */
  afterAcks(): Promise<void>;
}

/** The app's side of a receiver: what Bolt's HTTP receiver hands each verified request to. */
export type EventProcessor = Pick<App, 'processEvent'>;

const alreadyAcked = async (): Promise<void> => undefined;

/**
 * Between Bolt's HTTP receiver and its app. A signed slash command is claimed and acked here, right after the
 * receiver's signature check, then handed to the app with an ack that does nothing once the burst's other
 * requests are acked too: Bolt's middleware and listeners run after the acks, so in a burst each ack waits for
 * nothing but the signature checks and claims.
 * Every other request (events, buttons, modals, Socket Mode) goes to the app as is; their listeners ack.
 */
export function ackCommandsEarly(app: EventProcessor, options: EarlyCommandAckOptions): EventProcessor {
  return {
    async processEvent(event: ReceiverEvent): Promise<void> {
      const delivery = event.customProperties?.[signedDeliveryProperty];
      const command = slashCommandBody.safeParse(event.body);
      if (typeof delivery !== 'string' || !command.success || command.data.command !== options.command) {
        return app.processEvent(event);
      }
      if (!(await options.claimDelivery(delivery, 'command'))) {
        await event.ack();
        return;
      }
      await event.ack(commandAck(command.data, options.access).response);
      await options.afterAcks();
      // Claimed here: without the property, the dedupe middleware does not claim it again.
      const { [signedDeliveryProperty]: _claimed, ...customProperties } = event.customProperties ?? {};
      await app.processEvent({ ...event, ack: alreadyAcked, customProperties });
    },
  };
}
