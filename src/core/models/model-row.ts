import type { OutputFormat, Resolution } from '../request.js';

export const families = ['gemini', 'seedream', 'gpt-image', 'qwen'] as const;
export type Family = (typeof families)[number];

/** Known ids, typed as a union that still accepts new strings (a new model is a new row, not a type change). */
export type ModelId =
  | 'gemini-2.5-flash-image'
  | 'gemini-3-pro-image-preview'
  | 'doubao-seedream-3-0-t2i-250415'
  | 'doubao-seedream-4-0-250828'
  | 'doubao-seedream-4-5-251128'
  | 'doubao-seededit-3-0-i2i-250628'
  | 'gpt-image-1'
  | 'gpt-image-1-mini'
  | 'qwen-image-plus'
  | 'qwen-image-edit-plus'
  | 'seedream-4.0-base'
  | (string & {});

export interface NumberRange {
  min: number;
  max: number;
}

/**
 * How a model takes its size:
 * - `aspect-ratio`: a ratio string (`16:9`) sent as is (Gemini);
 * - `preset`: `WxH` presets, sent with `separator` (`x` for Seedream/GPT Image, `*` for Qwen);
 * - `adaptive`: the model follows its input image and takes no size (SeedEdit).
 */
export interface SizeSpec {
  kind: 'aspect-ratio' | 'preset' | 'adaptive';
  values: readonly string[];
  separator: 'x' | '*';
  /** Seedream 4.x also takes any `WxH` inside these bounds. */
  custom?: { minPixels: number; maxPixels: number; minRatio: number; maxRatio: number };
}

/** How `resolution` reaches the wire: Gemini's `image_size`, Seedream 4.x's size tier, or not at all. */
export type ResolutionWire = 'image-size' | 'size-tier' | 'none';

export interface ModelRow {
  id: ModelId;
  family: Family;
  displayName: string;
  /** Short names users can type. */
  aliases: readonly string[];
  summary: string;
  capabilities: {
    textToImage: boolean;
    edit: boolean;
    /** Input images one call takes (0 for text-to-image only models). */
    maxInputImages: number;
    /** Takes the conversation as `contents` turns (user and model roles). */
    multiTurn: boolean;
    /** The family's model an edit switches to when this one cannot edit. */
    editModel?: ModelId;
    /**
     * The family's model an upscale goes to when this one has no higher tier worth asking for. Absent: a model that
     * edits and has resolution tiers upscales itself; any other is enlarged locally (see upscale-target.ts).
     */
    upscaleModel?: ModelId;
  };
  output: {
    /** How more than one image is obtained: native `n`, Seedream group images, or parallel single calls. */
    multiple: 'native-n' | 'group' | 'parallel';
    maxPerCall: number;
    /** The most images one request may ask for. */
    maxImages: number;
    formats: readonly OutputFormat[];
    responseFormats: readonly ('b64_json' | 'url')[];
  };
  sizes: SizeSpec;
  resolutions: { values: readonly Resolution[]; wire: ResolutionWire };
  qualities: readonly string[];
  input: { formats: readonly string[]; maxBytes: number };
  /** Options this model's wire format carries; anything absent here becomes an `unsupported` warning. */
  options: {
    seed?: NumberRange;
    negativePrompt?: boolean;
    guidanceScale?: NumberRange;
    temperature?: NumberRange;
    topP?: NumberRange;
    watermark?: boolean;
    optimizePrompt?: readonly ('standard' | 'fast')[];
    promptExtend?: boolean;
    inputFidelity?: readonly string[];
    groupImages?: boolean;
  };
  /** Sent when the request leaves them out. */
  defaults: {
    size?: string;
    resolution?: Resolution;
    watermark?: boolean;
  };
  /** Said to the user when a request uses this model (a known upstream quirk). */
  notes?: readonly string[];
}
