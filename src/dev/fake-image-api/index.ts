export { sniffImageFormat } from './data-uri-image.js';
export type { Fault } from './faults.js';
export { expectedImagesFor, extendPrompt, type GenerationPlan, planGeneration } from './generation.js';
export {
  defaultMaxSide,
  type OutputFormat,
  outputDimensions,
  paletteFor,
  type RenderSpec,
  renderFor,
  renderImage,
} from './render.js';
export {
  type Delivery,
  type FakeImageApi,
  type FakeImageApiOptions,
  type RecordedRequest,
  type ResponseShapeSetting,
  startFakeImageApi,
} from './server.js';
export { type Family, familyOf, parseGenerationBody } from './wire-schemas.js';
