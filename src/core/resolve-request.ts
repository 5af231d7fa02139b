import { ImagineError, invalidOption } from './errors.js';
import type { ModelRow } from './models/model-row.js';
import { resolveModel } from './models/table.js';
import { checkSimpleOptions } from './option-rules.js';
import { type ImageRequest, imageRequestSchema, type ParsedImageRequest, type Warning } from './request.js';
import { resolveSize } from './resolve-size.js';
import type { ResolvedRequest } from './resolved-request.js';
import { checkStyleReferences, withStyleInstruction } from './style-references.js';

function parseRequest(request: ImageRequest): ParsedImageRequest {
  const parsed = imageRequestSchema.safeParse(request);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const option = issue?.path.join('.') || 'request';
  throw invalidOption(option, issue ? `${option}: ${issue.message}` : 'The request is not valid.');
}

/** Picks the row that will run the request: a model that cannot edit hands an edit to its family's edit model. */
function pickRow(requested: ModelRow, hasInputImages: boolean, warnings: Warning[]): ModelRow {
  if (hasInputImages && !requested.capabilities.edit) {
    const editModel = requested.capabilities.editModel;
    if (!editModel) {
      throw invalidOption(
        'images',
        `${requested.displayName} cannot edit images. Send the prompt without images.`,
      );
    }
    const row = resolveModel(editModel);
    warnings.push({
      type: 'compatibility',
      option: 'model',
      message: `${requested.displayName} cannot edit images, so ${row.displayName} made this edit.`,
    });
    return row;
  }
  if (!hasInputImages && !requested.capabilities.textToImage) {
    throw new ImagineError(
      'invalid_option',
      `${requested.displayName} edits images: attach an image to edit, or pick a text-to-image model.`,
      { option: 'images' },
    );
  }
  return requested;
}

function checkCount(row: ModelRow, n: number): void {
  if (n > row.output.maxImages) {
    throw invalidOption(
      'n',
      `${row.displayName} makes 1 to ${row.output.maxImages} images per request (got ${n}).`,
    );
  }
}

/** Validates a request against its model's row: errors name the valid choices; ignored options become warnings. */
export function resolveRequest(request: ImageRequest): { resolved: ResolvedRequest; warnings: Warning[] } {
  const parsed = parseRequest(request);
  const warnings: Warning[] = [];
  const requested = resolveModel(parsed.model);
  const historyHasImages = parsed.history.some((turn) => turn.images.length > 0);
  const styleCount = parsed.styleImages.length;
  const hasInputImages =
    parsed.images.length > 0 || styleCount > 0 || (requested.capabilities.multiTurn && historyHasImages);
  const row = pickRow(requested, hasInputImages, warnings);
  checkStyleReferences(requested, row, parsed.images.length, styleCount);

  if (parsed.images.length > row.capabilities.maxInputImages) {
    throw invalidOption(
      'images',
      `${row.displayName} takes at most ${row.capabilities.maxInputImages} input image(s) (got ${parsed.images.length}).`,
    );
  }
  if (parsed.history.length > 0 && !row.capabilities.multiTurn) {
    warnings.push({
      type: 'unsupported',
      option: 'history',
      message: `${row.displayName} edits in single turns; the earlier conversation was not sent.`,
    });
  }
  const n = parsed.n ?? 1;
  checkCount(row, n);

  const size = resolveSize(row, parsed.size, parsed.resolution);
  warnings.push(...size.warnings);
  const simple = checkSimpleOptions(parsed, row);
  warnings.push(...simple.warnings);

  let outputFormat = parsed.outputFormat;
  if (outputFormat && !row.output.formats.includes(outputFormat)) {
    warnings.push({
      type: 'unsupported',
      option: 'outputFormat',
      message: `${row.displayName} returns ${row.output.formats.join('/').toUpperCase()}; --format ${outputFormat} was not sent.`,
    });
    outputFormat = undefined;
  }
  const group = simple.accepted.groupImages === true;
  const watermark = simple.accepted.watermark ?? (row.options.watermark ? row.defaults.watermark : undefined);

  const resolved: ResolvedRequest = {
    row,
    prompt: withStyleInstruction(parsed.prompt, parsed.images.length, styleCount),
    images: [...parsed.images, ...parsed.styleImages],
    history: row.capabilities.multiTurn ? parsed.history : [],
    n,
    group,
    ...(size.size !== undefined ? { size: size.size } : {}),
    ...(size.imageSize !== undefined ? { imageSize: size.imageSize } : {}),
    ...simple.accepted,
    ...(outputFormat !== undefined ? { outputFormat } : {}),
    ...(watermark !== undefined ? { watermark } : {}),
  };
  return { resolved, warnings };
}
