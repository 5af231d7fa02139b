import type { Job } from '../core/jobs/job.js';

/**
 * Where and how a job's replies are posted, stored in the job record so that any process (not only the one that
 * received the command) can post its progress and result. Commands see only `platform`; the rest is the
 * platform's own shape, which that platform's outlet reads back whole (`ReplyOutlet.destinationSchema`, from
 * src/bots/<platform>/destination.ts). A record written by a version that knew another shape is kept as it is.
 */
export type Destination = NonNullable<Job['destination']>;
