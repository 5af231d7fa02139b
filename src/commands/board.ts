import { z } from 'zod';
import { boardLink } from '../core/board/board-link.js';
import type { Command } from './command.js';
import { infoReply } from './reply.js';

export const boardNotSetUp =
  'The team board is not set up on this bot: its operator sets BOARD_SECRET and PUBLIC_URL (see “Team board” in the README).';

/** `/imagine board` (Slack), `/board` (Discord, the chat): a private, signed, expiring link to this channel's board. */
export const board = {
  name: 'board',
  answersPrivately: true,
  makesImages: false,
  subcommand: true,
  parameters: [],
  summary: "A private link to this channel's team board: every image, its family tree, favourites.",
  help: 'board',
  options: z.object({}),
  async run(_input, context, services) {
    const settings = services.config.board;
    if (settings?.secret === undefined || settings.publicUrl === undefined) return [infoReply(boardNotSetUp)];
    const expiresAt = services.now() + settings.linkTtlMs;
    const url = boardLink(settings.publicUrl, settings.secret, context.channelId, expiresAt);
    const until = new Date(expiresAt).toISOString().slice(0, 16).replace('T', ' ');
    return [
      infoReply(
        `🖼️ This channel's team board: ${url}\nThe link works until ${until} UTC for whoever has it; ask again for a new one.`,
      ),
    ];
  },
} satisfies Command;
