import { z } from 'zod';
import type { ModelRow } from '../core/models/model-row.js';
import { modelTable } from '../core/models/table.js';
import type { Command } from './command.js';
import { infoReply } from './reply.js';

export function describeModel(row: ModelRow): string {
  const can = [
    row.capabilities.textToImage && 'text-to-image',
    row.capabilities.edit &&
      `edits (up to ${row.capabilities.maxInputImages} image${row.capabilities.maxInputImages === 1 ? '' : 's'})`,
    row.capabilities.multiTurn && 'multi-turn',
  ].filter(Boolean);
  const sizes =
    row.sizes.kind === 'adaptive' ? 'follows the input image' : row.sizes.values.slice(0, 10).join(' ');
  const resolutions = row.resolutions.values.length > 0 ? ` · ${row.resolutions.values.join('/')}` : '';
  const names = [row.aliases[0], row.id].filter(Boolean).join(' = ');
  return `• ${row.displayName} (${names}): ${can.join(', ')}; up to ${row.output.maxImages} images${resolutions}\n  sizes: ${sizes}`;
}

export const models = {
  name: 'models',
  answersPrivately: true,
  makesImages: false,
  subcommand: true,
  parameters: [],
  summary: 'Every model, what it can do and its sizes.',
  help: 'models',
  options: z.object({}),
  async run() {
    return [infoReply(`Models (use --model NAME):\n${modelTable.map(describeModel).join('\n')}`)];
  },
} satisfies Command;
