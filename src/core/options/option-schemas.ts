import { z } from 'zod';
import { type ImageOptionField, type ImageOptionTable, imageOptionTable } from './option-table.js';

/* The shapes every layer uses, derived from the one table. */

type Table = ImageOptionTable;
type StoredShape = { [Field in keyof Table]: z.ZodOptional<Table[Field]['value']['stored']> };
type InputShape = { [Field in keyof Table]: z.ZodOptional<Table[Field]['value']['input']> };
type PresetField = {
  [Field in keyof Table]: Table[Field] extends { preset: true } ? Field : never;
}[keyof Table];

function shapeOf<Shape>(pick: (field: ImageOptionField) => z.ZodType): Shape {
  const entries = (Object.keys(imageOptionTable) as ImageOptionField[]).map((field) => [
    field,
    pick(field).optional(),
  ]);
  return Object.fromEntries(entries) as Shape;
}

/** Every option as a request and a job hold it (all optional). */
export const storedOptionsShape = shapeOf<StoredShape>((field) => imageOptionTable[field].value.stored);

/** What users give (inline flags, a platform's option bag, the CLI), coerced and range-checked. */
export const imageOptionsSchema = z.strictObject(
  shapeOf<InputShape>((field) => imageOptionTable[field].value.input),
);
export type ImageOptions = z.infer<typeof imageOptionsSchema>;

/** The options a user or a channel may preset. */
export const presetFields = (Object.keys(imageOptionTable) as ImageOptionField[]).filter(
  (field): field is PresetField => 'preset' in imageOptionTable[field],
);
export const presetOptionsShape = Object.fromEntries(
  presetFields.map((field) => [field, storedOptionsShape[field]]),
) as Pick<StoredShape, PresetField>;
export type PresetOptions = { [Field in PresetField]?: ImageOptions[Field] };

/** The preset options among `options`, nothing else. */
export function pickPresets(options: ImageOptions): PresetOptions {
  return Object.fromEntries(
    presetFields.flatMap((field) => (options[field] === undefined ? [] : [[field, options[field]]])),
  );
}
