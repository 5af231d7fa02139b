import { type ErrorCode, isImagineError } from '../core/errors.js';

/** The CLI's exit codes, as the README documents them. */
export const exitCodes = {
  ok: 0,
  /** The image API failed (or anything else went wrong). */
  failed: 1,
  /** Bad input or config: the user can fix the command line or the environment. */
  badInput: 2,
  /** Fewer images came back than were asked (some failed, or the model made fewer); those that came were written. */
  partlyFailed: 3,
} as const;

const badInputCodes: ReadonlySet<ErrorCode> = new Set([
  'config',
  'unknown_model',
  'invalid_option',
  'invalid_image',
]);

/** The exit code for a failure that stopped a command. */
export function exitCodeFor(error: unknown): number {
  return isImagineError(error) && badInputCodes.has(error.code) ? exitCodes.badInput : exitCodes.failed;
}
