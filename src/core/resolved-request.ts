import { DataUri } from './data-uri.js';
import type { ModelRow } from './models/model-row.js';
import type { InputImage, ParsedImageRequest, Resolution } from './request.js';

export interface ResolvedTurn {
  role: 'user' | 'model';
  text?: string;
  images: InputImage[];
}

/** Options a family mapper may send as they were given (each checked against the row by the options table). */
type PassedOptions = Omit<
  ParsedImageRequest,
  | 'model'
  | 'prompt'
  | 'images'
  | 'styleImages'
  | 'styleReference'
  | 'history'
  | 'size'
  | 'resolution'
  | 'n'
  | 'groupImages'
>;

/** A request checked against its model's row: every value here is one the model's wire format takes. */
export interface ResolvedRequest extends PassedOptions {
  row: ModelRow;
  /** The prompt as sent: with the style-reference instruction when there are style images. */
  prompt: string;
  /** The input images, then the style references. */
  images: InputImage[];
  /** Earlier turns, oldest first; only for models that hold a conversation. */
  history: ResolvedTurn[];
  /** Total images asked for. */
  n: number;
  /** Seedream group images: one call that returns up to `n` related images. */
  group: boolean;
  size?: string;
  imageSize?: Resolution;
}

/** One family's wire format: the body of one call that should return `imagesInCall` images. */
export type FamilyMapper = (request: ResolvedRequest, imagesInCall: number) => Record<string, unknown>;

/** An input image as a data URI that the client streams; JSON.stringify gives the string the wire carries. */
export function toDataUri(image: InputImage): DataUri {
  return new DataUri(image.mediaType, image.bytes);
}
