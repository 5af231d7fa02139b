import { z } from 'zod';
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
    return [infoReply(cancelled ? 'Cancelled your latest request.' : 'That request had already finished.')];
  },
} satisfies Command;
