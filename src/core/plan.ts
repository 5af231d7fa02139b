import { familyMappers } from './families/index.js';
import type { ModelRow } from './models/model-row.js';
import type { RequestPlan, WireCall } from './plan-types.js';
import type { ImageRequest, InputImage, Warning } from './request.js';
import { resolveRequest } from './resolve-request.js';
import type { ResolvedRequest } from './resolved-request.js';

/** Makes an input image fit the model (format, bytes); returns a note when it changed the image. */
export type PrepareImage = (
  image: InputImage,
  row: ModelRow,
  index: number,
) => Promise<{ image: InputImage; changed?: string }>;

/** How many images each call should return, for `n` images in total. */
export function splitCount(resolved: ResolvedRequest): number[] {
  const { row, n } = resolved;
  if (resolved.group) return [n];
  const perCall = row.output.multiple === 'native-n' ? row.output.maxPerCall : 1;
  const counts: number[] = [];
  for (let remaining = n; remaining > 0; remaining -= perCall) counts.push(Math.min(perCall, remaining));
  return counts;
}

/**
 * The seed of each call: the asked seed or a random one for the first, then one more per call (`--seed 7 --n 4`
 * sends 7, 8, 9, 10), so the images differ and any one can be made again with `--n 1 --seed` its own seed.
 * Nothing when the model takes no seed, or when no seed was asked and there is no random source.
 */
export function callSeeds(resolved: ResolvedRequest, calls: number, random?: () => number): number[] {
  const range = resolved.row.options.seed;
  if (!range) return [];
  // Seedream's -1 means "pick one yourself": never send it, so each image's seed is known.
  const min = Math.max(0, range.min);
  const span = range.max - min + 1;
  const first = resolved.seed ?? (random ? min + Math.floor(random() * span) : undefined);
  if (first === undefined) return [];
  return Array.from({ length: calls }, (_, index) => min + ((first - min + index) % span));
}

/** Maps an already resolved request onto wire calls. Pure: the golden tests run through here. */
export function buildCalls(resolved: ResolvedRequest, random?: () => number): WireCall[] {
  const mapper = familyMappers[resolved.row.family];
  const counts = splitCount(resolved);
  const seeds = callSeeds(resolved, counts.length, random);
  return counts.map((expectedImages, index) => {
    const seed = seeds[index];
    const request = seed === undefined ? resolved : { ...resolved, seed };
    return { body: mapper(request, expectedImages), expectedImages, ...(seed !== undefined && { seed }) };
  });
}

async function prepareAll(
  resolved: ResolvedRequest,
  prepareImage: PrepareImage,
  warnings: Warning[],
): Promise<ResolvedRequest> {
  let index = 0;
  const prepare = async (image: InputImage): Promise<InputImage> => {
    index += 1;
    const prepared = await prepareImage(image, resolved.row, index);
    if (prepared.changed)
      warnings.push({ type: 'compatibility', option: 'images', message: prepared.changed });
    return prepared.image;
  };
  const images: InputImage[] = [];
  for (const image of resolved.images) images.push(await prepare(image));
  const history = [];
  for (const turn of resolved.history) {
    const turnImages: InputImage[] = [];
    for (const image of turn.images) turnImages.push(await prepare(image));
    history.push({ ...turn, images: turnImages });
  }
  return { ...resolved, images, history };
}

/**
 * Validates a request, fits its images to the model and returns the calls to make plus every warning. `random`
 * draws the seed of a request that asked for none, where the model takes seeds.
 */
export async function planRequest(
  request: ImageRequest,
  prepareImage?: PrepareImage,
  random?: () => number,
): Promise<RequestPlan> {
  const { resolved, warnings } = resolveRequest(request);
  const ready = prepareImage ? await prepareAll(resolved, prepareImage, warnings) : resolved;
  const sent = {
    ...(ready.size !== undefined && { size: ready.size.replace('*', 'x') }),
    ...(ready.imageSize !== undefined && { resolution: ready.imageSize }),
  };
  return { modelId: ready.row.id, calls: buildCalls(ready, random), warnings, sent };
}
