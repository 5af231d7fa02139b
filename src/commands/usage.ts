import { z } from 'zod';
import type { Command } from './command.js';
import { infoReply } from './reply.js';

const limitText = (used: number, limit: number) =>
  limit > 0 ? `${used} of ${limit} (${Math.max(0, limit - used)} left)` : `${used} (no limit)`;

export const usage = {
  name: 'usage',
  answersPrivately: true,
  makesImages: false,
  subcommand: true,
  parameters: [],
  summary: 'How many images you and this channel made today, and what is left.',
  help: 'usage',
  options: z.object({}),
  async run(_input, context, services) {
    const usage = await services.quotas.usage(context.user.id, context.channelId);
    const active = (await services.runner.activeJobs(context.user.id)).length;
    return [
      infoReply(
        `Today: you ${limitText(usage.userToday, usage.userLimit)}; this channel ${limitText(usage.channelToday, usage.channelLimit)}.` +
          (active > 0 ? ` You have ${active} request(s) queued or running.` : ''),
      ),
    ];
  },
} satisfies Command;
