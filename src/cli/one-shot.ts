import { setFlagsFromString } from 'node:v8';

/**
 * For a command that makes its few HTTP calls and exits. undici parses HTTP in WebAssembly, and V8 recompiles the
 * parser's busiest functions with its optimizing compiler on a background thread, which Node waits for before the
 * process may exit: 70 ms of a 370 ms `generate` (bench/cli.ts), for code that would never run again. With a
 * tier-up budget no short run reaches, WebAssembly stays on V8's baseline compiler (Liftoff) in this process.
 */
export function stayOnBaselineWasm(): void {
  setFlagsFromString('--wasm-tiering-budget=2000000000');
}
