import { describe, expect, it } from 'vitest';
import { modelTable, resolveModel } from '../../src/core/models/index.js';
import { upscaleTarget } from '../../src/core/models/upscale-target.js';

describe('upscale targets, read from the model table', () => {
  it('sends each model to its family model that edits, at its highest tier; others enlarge locally', () => {
    const targets = Object.fromEntries(
      modelTable.map((row) => {
        const target = upscaleTarget(row);
        return [row.id, target ? `${target.row.id} ${target.resolution}` : 'local'];
      }),
    );
    expect(targets).toStrictEqual({
      'gemini-2.5-flash-image': 'gemini-3-pro-image-preview 4K',
      'gemini-3-pro-image-preview': 'gemini-3-pro-image-preview 4K',
      'doubao-seedream-4-0-250828': 'doubao-seedream-4-0-250828 4K',
      'doubao-seedream-4-5-251128': 'doubao-seedream-4-5-251128 4K',
      'doubao-seedream-3-0-t2i-250415': 'doubao-seedream-4-0-250828 4K',
      'doubao-seededit-3-0-i2i-250628': 'doubao-seedream-4-0-250828 4K',
      'seedream-4.0-base': 'doubao-seedream-4-0-250828 4K',
      'gpt-image-1': 'local',
      'gpt-image-1-mini': 'local',
      'qwen-image-plus': 'local',
      'qwen-image-edit-plus': 'local',
    });
  });

  it('never crosses families and only names models that edit', () => {
    for (const row of modelTable) {
      const target = upscaleTarget(row);
      if (!target) continue;
      expect(target.row.family).toBe(row.family);
      expect(target.row.capabilities.edit).toBe(true);
      expect(target.row.resolutions.values).toContain(target.resolution);
    }
    // A row naming a model of another family gets no target (enlarged locally) rather than a wrong one.
    const gpt = resolveModel('gpt-image');
    expect(
      upscaleTarget({
        ...gpt,
        capabilities: { ...gpt.capabilities, upscaleModel: 'gemini-3-pro-image-preview' },
      }),
    ).toBeUndefined();
  });
});
