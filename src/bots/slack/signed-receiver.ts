import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Logger as BoltLogger, HTTPReceiver } from '@slack/bolt';
import type { Logger } from '../../core/logger.js';
import type { AckGate } from './ack-gate.js';
import {
  ackCommandsEarly,
  type EarlyCommandAckOptions,
  signedDeliveryProperty,
} from './early-command-ack.js';

/** Bolt refuses a request timestamp older than this; we refuse one this far ahead of our clock too. */
export const requestTimestampToleranceSeconds = 5 * 60;

export interface SignedReceiverOptions {
  signingSecret: string;
  logger: Logger;
  boltLogger: BoltLogger;
  /** Counts each request until it is answered, so listeners can let the acks go first. */
  ackGate?: AckGate;
  /** Other pages served on Slack's PORT (the team board): answers true for a request it took. */
  otherRoutes?: (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;
  /** Slash commands claimed and acked as soon as their signature is checked, before Bolt's app sees them. */
  earlyCommandAck?: EarlyCommandAckOptions;
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The signature is an HMAC over the timestamp and the raw body, so a replay has to carry both unchanged: the pair
 * identifies one delivery for any kind of request (command, button, modal, event), and no two different
 * requests share it. Hashed so the store holds a fixed-size key.
 */
function signedDelivery(request: IncomingMessage): string | undefined {
  const timestamp = header(request, 'x-slack-request-timestamp');
  const signature = header(request, 'x-slack-signature');
  if (timestamp === undefined || signature === undefined) return undefined;
  return createHash('sha256').update(`${timestamp}:${signature}`).digest('hex');
}

/**
 * Bolt's HTTP receiver, with three additions. A request stamped more than five minutes in the future is answered
 * 401 before Bolt reads it (Bolt only checks the past, so a captured request stamped ahead could be replayed
 * for as long as the stamp is ahead). Every verified request carries `signedDelivery` in its context, which
 * `dedupeSignedDeliveries` claims so a replay inside the window runs nothing. With `earlyCommandAck`, the
 * receiver hands verified requests to `ackCommandsEarly`, which claims and acks slash commands itself.
 */
export function createSignedReceiver(options: SignedReceiverOptions): HTTPReceiver {
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret,
    logger: options.boltLogger,
    // Runs only after Bolt has verified the signature.
    customPropertiesExtractor: (request) => {
      const delivery = signedDelivery(request);
      return delivery === undefined ? {} : { [signedDeliveryProperty]: delivery };
    },
  });
  const earlyCommandAck = options.earlyCommandAck;
  if (earlyCommandAck !== undefined) {
    const init = receiver.init.bind(receiver);
    // The receiver only ever calls its app's processEvent.
    receiver.init = (app) => init(ackCommandsEarly(app, earlyCommandAck) as typeof app);
  }
  const boltListener = receiver.requestListener;
  // requestListener is the receiver's public entry point, the one its own server calls for every request.
  receiver.requestListener = (request, response) => {
    if (options.otherRoutes !== undefined && !request.url?.startsWith('/slack/')) {
      const otherRoutes = options.otherRoutes;
      void otherRoutes(request, response).then((taken) => {
        if (!taken) boltListener(request, response);
      });
      return;
    }
    const timestamp = Number(header(request, 'x-slack-request-timestamp'));
    // The system clock, as Bolt's staleness check uses.
    const secondsAhead = timestamp - Math.floor(Date.now() / 1000);
    if (Number.isFinite(timestamp) && secondsAhead > requestTimestampToleranceSeconds) {
      options.logger.warn('Slack request with a timestamp in the future refused', { secondsAhead });
      response.writeHead(401);
      response.end();
      return;
    }
    options.ackGate?.track(request, response);
    boltListener(request, response);
  };
  return receiver;
}
