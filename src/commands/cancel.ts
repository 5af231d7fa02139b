import { z } from 'zod';
import { markCancelledIfQueued } from '../core/jobs/cancelled-in-queue.js';
import type { Command } from './command.js';
import { infoReply } from './reply.js';

export const cancel = {
  name: 'cancel',
  answersPrivately: true,
  makesImages: false,
  subcommand: true,
  parameters: [],
  summary: 'Cancel your latest queued or running request.',
  help: 'cancel',
  options: z.object({}),
  async run(_input, context, services) {
    const active = await services.runner.activeJobs(context.user.id);
    const latest = active.at(-1);
    if (!latest) return [infoReply('You have nothing queued or running.')];
    const cancelled = await services.runner.cancel(latest);
    // A job that never started has no run to post its end: its queued note says "Cancelled" from here.
    if (cancelled && services.jobDelivery !== undefined) {
      await markCancelledIfQueued(services, latest);
      const job = await services.jobs.get(latest);
      if (job?.status === 'cancelled') await services.jobDelivery.finish(latest);
    }
    return [infoReply(cancelled ? 'Cancelled your latest request.' : 'That request had already finished.')];
  },
} satisfies Command;
