import { z } from 'zod';
import { didYouMean } from '../core/closest-name.js';
import type { Command } from './command.js';
import { optionDefinitions } from './options.js';
import { infoReply } from './reply.js';

/** The help text lists the commands it is given, so it never goes stale. */
export function createHelp(list: () => readonly Command[]): Command {
  return {
    name: 'help',
    answersPrivately: true,
    makesImages: false,
    subcommand: true,
    get parameters() {
      const names = list().map((command) => ({ name: command.name, value: command.name }));
      return [
        { kind: 'choice', name: 'command', description: 'A command to explain', choices: names } as const,
      ];
    },
    summary: 'How to use the bot.',
    help: 'help [command]',
    options: z.object({ command: z.string().optional() }),
    async run(input) {
      const asked = (
        typeof input.options?.command === 'string' ? input.options.command : (input.text ?? '')
      ).trim();
      const topic = asked.replace(/^\//, '').toLowerCase();
      const command = list().find((candidate) => candidate.name === topic);
      if (command) return [infoReply(`${command.name}: ${command.summary}\nUsage: ${command.help}`)];
      if (topic !== '') {
        const names = list().map((candidate) => candidate.name);
        return [
          infoReply(
            `There is no help on "${asked}".${didYouMean(topic, names)} Topics: ${names.join(', ')}.`,
          ),
        ];
      }
      const commands = list()
        .map((candidate) => `• ${candidate.name} — ${candidate.summary}`)
        .join('\n');
      const flags = optionDefinitions.map((definition) => `--${definition.name}`).join(' ');
      return [
        infoReply(
          `Make images: imagine a red fox in the snow --ar 16:9 --n 2\n` +
            `Reply in a result's thread to edit it; with Gemini models the whole thread is the conversation.\n\n` +
            `Commands:\n${commands}\n\nFlags: ${flags}`,
        ),
      ];
    },
  };
}
