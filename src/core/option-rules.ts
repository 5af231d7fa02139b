import { invalidOption } from './errors.js';
import type { ModelRow, NumberRange } from './models/model-row.js';
import type { ParsedImageRequest, Warning } from './request.js';

type Spec = NumberRange | readonly string[] | boolean | undefined;

interface OptionRule {
  key: keyof ParsedImageRequest;
  /** The name users type (the CLI/inline flag), used in messages. */
  flag: string;
  spec: (row: ModelRow) => Spec;
}

/** Options that a model either carries (within a range or a list) or does not: one rule each, no family `if`s. */
const optionRules: readonly OptionRule[] = [
  { key: 'quality', flag: 'quality', spec: (row) => row.qualities },
  { key: 'seed', flag: 'seed', spec: (row) => row.options.seed },
  { key: 'negativePrompt', flag: 'negative', spec: (row) => row.options.negativePrompt },
  { key: 'guidanceScale', flag: 'guidance', spec: (row) => row.options.guidanceScale },
  { key: 'temperature', flag: 'temperature', spec: (row) => row.options.temperature },
  { key: 'topP', flag: 'top-p', spec: (row) => row.options.topP },
  { key: 'watermark', flag: 'watermark', spec: (row) => row.options.watermark },
  { key: 'optimizePrompt', flag: 'optimize-prompt', spec: (row) => row.options.optimizePrompt },
  { key: 'promptExtend', flag: 'prompt-extend', spec: (row) => row.options.promptExtend },
  { key: 'inputFidelity', flag: 'input-fidelity', spec: (row) => row.options.inputFidelity },
  { key: 'groupImages', flag: 'group', spec: (row) => row.options.groupImages },
];

function isRange(spec: Spec): spec is NumberRange {
  return typeof spec === 'object' && spec !== null && !Array.isArray(spec) && 'min' in spec;
}

/**
 * Checks each simple option against the row. Returns the options the wire may carry; an option the model does not
 * take becomes a warning, a value outside the model's range or list is an error naming the valid ones.
 */
export function checkSimpleOptions(
  request: ParsedImageRequest,
  row: ModelRow,
): { accepted: Partial<ParsedImageRequest>; warnings: Warning[] } {
  const accepted: Partial<ParsedImageRequest> = {};
  const warnings: Warning[] = [];
  for (const rule of optionRules) {
    const value = request[rule.key];
    if (value === undefined) continue;
    const spec = rule.spec(row);
    const supported = spec === true || isRange(spec) || (Array.isArray(spec) && spec.length > 0);
    if (!supported) {
      warnings.push({
        type: 'unsupported',
        option: rule.key,
        message: `${row.displayName} does not take --${rule.flag}; it was not sent.`,
      });
      continue;
    }
    if (isRange(spec) && (typeof value !== 'number' || value < spec.min || value > spec.max)) {
      throw invalidOption(
        rule.key,
        `--${rule.flag} must be between ${spec.min} and ${spec.max} for ${row.displayName} (got ${String(value)}).`,
      );
    }
    if (Array.isArray(spec) && !spec.includes(String(value))) {
      throw invalidOption(
        rule.key,
        `--${rule.flag} "${String(value)}" is not available on ${row.displayName}.`,
        spec,
      );
    }
    Object.assign(accepted, { [rule.key]: value });
  }
  return { accepted, warnings };
}
