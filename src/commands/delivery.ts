/**
 * The delivery port: posts a job's replies at the job's stored destination, from whichever process runs it.
 *
 * - `ReplyOutlet` is one platform's REST-only poster (src/bots/discord/rest-outlet.ts,
 *   src/bots/slack/web-api-outlet.ts); it needs no gateway or socket, only the destination and a token.
 * - `createDelivery({ outlets, store })` picks the outlet by `destination.platform`, reads the stored destination
 *   with that outlet's own schema (one it cannot read is logged and posted nowhere), and makes every step except
 *   'progress' happen once per (job, step) across every process sharing `store`: a retried job, a job taken over
 *   from a dead worker, or two workers racing post it once. 'progress' edits a message in place, so it may
 *   repeat; it is dropped once the job's result or failure is being posted or was, so it never overwrites them.
 * - What was posted is handed to `onPosted` (the caller links result messages and threads to the job).
 * - `deliver` throws what the platform threw; the step's claim is given back first, so a retry may post it.
 *   A poster that dies mid-post holds the claim for `claimTtlMs`; after that the step may be posted again.
 */
import type { z } from 'zod';
import type { Logger } from '../core/logger.js';
import type { Store } from '../core/store/store.js';
import type { Destination } from './destination.js';
import type { Reply } from './reply.js';

export const deliverySteps = ['queued', 'progress', 'continuing', 'result', 'failure'] as const;
/**
 * queued: the note with the queue position; progress: the running line (edited in place, may repeat);
 * continuing: "continuing after a restart"; result / failure: the job's outcome.
 */
export type DeliveryStep = (typeof deliverySteps)[number];

/** Where the replies landed, platform-qualified like the brain's keys (`discord:<channel>:<message>`). */
export interface Posted {
  messageKeys: string[];
  /** A browser link to the first message (the team board links to it). */
  messageUrl?: string;
  /** A thread started for a result. */
  threadKey?: string;
}

/** One platform's poster. `D`: its destination's shape (src/bots/<platform>/destination.ts). */
export interface ReplyOutlet<D extends Destination = Destination> {
  platform: D['platform'];
  /** Reads a stored destination of this platform back whole, before `deliver` gets it. */
  destinationSchema: z.ZodType<D>;
  /**
   * Posts (or, for progress steps, edits) `reply` at `destination`; throws when the platform refuses. `landed`,
   * when given, is awaited as soon as an outcome's messages exist, before the requester is told it is done
   * (✅), so a reply in its thread right after the ✅ finds the thread linked.
   */
  deliver(destination: D, reply: Reply, step: DeliveryStep, landed?: Landed): Promise<Posted>;
}

export type Landed = (posted: Posted) => Promise<void>;

/** no-outlet: this process has no outlet of the platform; unreadable: the outlet cannot read the destination. */
export type DeliveryOutcome = 'posted' | 'already-posted' | 'no-outlet' | 'unreadable';

export interface Delivery {
  deliver(
    jobId: string,
    destination: Destination,
    step: DeliveryStep,
    reply: Reply,
  ): Promise<DeliveryOutcome>;
}

export interface DeliveryOptions {
  outlets: readonly ReplyOutlet[];
  store: Store;
  logger: Pick<Logger, 'warn' | 'info'>;
  /** Told where a delivered reply that shows a job landed (not for progress, errors or private replies). */
  onPosted?: (jobId: string, step: DeliveryStep, posted: Posted) => Promise<void>;
  /** How long a delivery in flight holds its claim; past it, a crashed poster's step may be posted again. */
  claimTtlMs?: number;
  /** How long a posted step is remembered. */
  postedTtlMs?: number;
  now?: () => number;
}

const postedNamespace = 'delivered';
const defaultClaimTtlMs = 2 * 60 * 1000;
const defaultPostedTtlMs = 30 * 24 * 60 * 60 * 1000;
const terminalSteps: readonly DeliveryStep[] = ['result', 'failure'];

const stepKey = (jobId: string, step: DeliveryStep) => `${jobId}:${step}`;
const claimKey = (jobId: string, step: DeliveryStep) => `delivery:${stepKey(jobId, step)}`;

export function createDelivery(options: DeliveryOptions): Delivery {
  const { store, logger } = options;
  const claimTtlMs = options.claimTtlMs ?? defaultClaimTtlMs;
  const postedTtlMs = options.postedTtlMs ?? defaultPostedTtlMs;
  const now = options.now ?? Date.now;

  const wasPosted = async (jobId: string, step: DeliveryStep) =>
    (await store.get<number>(postedNamespace, stepKey(jobId, step))) !== undefined;

  /**
   * A claim that can be given back: a counter with limit 1 (`reserve`), released when posting fails so a retry
   * may post, left to expire after a success (the posted mark answers from then on). When the store cannot
   * answer, the step is posted anyway: twice beats never.
   */
  const claim = async (jobId: string, step: DeliveryStep): Promise<boolean> => {
    try {
      return (await store.reserve(claimKey(jobId, step), 1, claimTtlMs)).ok;
    } catch (error) {
      logger.warn('could not claim a delivery; posting it anyway', { jobId, step, error });
      return true;
    }
  };
  /** A step being posted right now: progress must not land on top of it (an edit would wipe its images). */
  const inFlight = async (jobId: string, step: DeliveryStep): Promise<boolean> =>
    (await store.count(claimKey(jobId, step)).catch(() => 0)) > 0;
  const release = async (jobId: string, step: DeliveryStep) => {
    await store.release(claimKey(jobId, step)).catch((error: unknown) => {
      logger.warn('could not release a delivery claim', { jobId, step, error });
    });
  };

  return {
    async deliver(jobId, stored, step, reply) {
      // Looked up each time: a process adds its platforms' outlets as their clients come up.
      const outlet = options.outlets.find((known) => known.platform === stored.platform);
      if (!outlet) {
        logger.warn('no outlet for a destination; reply dropped', { jobId, step, platform: stored.platform });
        return 'no-outlet';
      }
      const read = outlet.destinationSchema.safeParse(stored);
      if (!read.success) {
        logger.warn('a job has a destination this version cannot read; its replies are not posted', {
          jobId,
          step,
          platform: stored.platform,
          issues: read.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
        });
        return 'unreadable';
      }
      const destination = read.data;
      const post = (landed?: Landed) => outlet.deliver(destination, reply, step, landed);
      if (step === 'progress') {
        for (const terminal of terminalSteps) {
          if ((await wasPosted(jobId, terminal)) || (await inFlight(jobId, terminal)))
            return 'already-posted';
        }
        await post();
        return 'posted';
      }
      if (await wasPosted(jobId, step)) return 'already-posted';
      if (!(await claim(jobId, step))) return 'already-posted';
      let linked = false;
      const link: Landed = async (landed) => {
        if (linked || reply.kind === 'error' || reply.ephemeral) return;
        linked = true;
        await options.onPosted?.(jobId, step, landed);
      };
      let posted: Posted;
      try {
        posted = await post(link);
      } catch (error) {
        await release(jobId, step);
        throw error;
      }
      try {
        await store.set(postedNamespace, stepKey(jobId, step), now(), postedTtlMs);
      } catch (error) {
        // The claim still holds for claimTtlMs; after that a retry could post again.
        logger.warn('could not record a delivery', { jobId, step, error });
      }
      // Outlets that did not call `landed` (nothing to mark done) are linked now.
      await link(posted);
      return 'posted';
    },
  };
}
