import { z } from 'zod';
import { presetOptionsShape } from '../options/option-schemas.js';
import type { Store } from '../store/store.js';

/** What a channel (the team's brief) or a user may preset. Command options override these. */
export const settingsSchema = z.object({
  ...presetOptionsShape,
  /** Added to every new prompt: the team's style brief. */
  style: z.string().optional(),
});
export type Settings = z.infer<typeof settingsSchema>;
export const settingFields = Object.keys(settingsSchema.shape) as readonly (keyof Settings)[];

export type SettingsLayer = 'default' | 'channel' | 'user' | 'command';

export interface ResolvedSettings {
  values: Settings;
  /** Where each value came from, for `settings show`. */
  sources: Partial<Record<keyof Settings, SettingsLayer>>;
}

/** Later layers win: config defaults → channel → user → the command's own options. */
export function layerSettings(
  layers: readonly { layer: SettingsLayer; settings: Settings }[],
): ResolvedSettings {
  const values: Settings = {};
  const sources: ResolvedSettings['sources'] = {};
  for (const { layer, settings } of layers) {
    for (const field of settingFields) {
      const value = settings[field];
      if (value === undefined) continue;
      Object.assign(values, { [field]: value });
      sources[field] = layer;
    }
  }
  return { values, sources };
}

export type SettingsScope = { kind: 'channel'; id: string } | { kind: 'user'; id: string };

const namespace = 'settings';
const keyOf = (scope: SettingsScope) => `${scope.kind}:${scope.id}`;

export interface SettingsStore {
  get(scope: SettingsScope): Promise<Settings>;
  /** Merges `change` into the scope's settings; a field set to undefined is removed. */
  set(scope: SettingsScope, change: Settings): Promise<Settings>;
  reset(scope: SettingsScope): Promise<void>;
}

export function createSettingsStore(store: Store): SettingsStore {
  const get = async (scope: SettingsScope) =>
    (await store.getParsed(namespace, keyOf(scope), settingsSchema)) ?? {};
  return {
    get,
    async set(scope, change) {
      const merged = settingsSchema.parse({ ...(await get(scope)), ...change });
      await store.set(namespace, keyOf(scope), merged);
      return merged;
    },
    reset: (scope) => store.delete(namespace, keyOf(scope)),
  };
}
