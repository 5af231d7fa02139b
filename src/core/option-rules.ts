import { invalidOption } from './errors.js';
import type { ModelRow, NumberRange } from './models/model-row.js';
import { imageOptionList, type OptionSupport } from './options/option-table.js';
import type { ParsedImageRequest, Warning } from './request.js';

type Spec = OptionSupport;

/** Options that a model either carries (within a range or a list) or does not: the table's `takes` rules. */
const optionRules = imageOptionList.flatMap((option) =>
  option.takes ? [{ key: option.field, flag: option.flag, spec: option.takes }] : [],
);

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
