export type { Family, ModelId, ModelRow, SizeSpec } from './model-row.js';
export { findModel, modelTable, resolveModel } from './table.js';
