export { type ChaosKind, type ChaosSettings, type ChaosStats, chaosKinds } from './chaos.js';
export { sniffImageFormat } from './data-uri-image.js';
export type { Fault } from './faults.js';
export {
  expectedImagesFor,
  extendPrompt,
  type GenerationPlan,
  outputSize,
  planGeneration,
  type RenderOptions,
} from './generation.js';
export {
  type OutputFormat,
  type RenderSpec,
  renderFor,
  renderImage,
  renderPixels,
  sampleSide,
} from './render.js';
export { escapeXml, labelLines, promptExcerpt } from './scene.js';
export {
  type Delivery,
  type FakeImageApi,
  type FakeImageApiOptions,
  type RecordedRequest,
  type ResponseShapeSetting,
  startFakeImageApi,
} from './server.js';
export { type Family, familyOf, parseGenerationBody } from './wire-schemas.js';
