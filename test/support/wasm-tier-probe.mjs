// Loaded with --import ahead of the CLI, in `node --allow-natives-syntax --single-threaded`: as the process exits,
// runs a small WebAssembly function hot and writes to WASM_TIER_FILE whether V8 recompiled it with its optimizing
// compiler ("turbofan") or kept it on Liftoff. The recompile, once triggered, may still be running on one of V8's
// worker threads: the probe waits up to 3 s for it. `--single-threaded` does not keep it on this thread: Node's
// platform still runs V8's compile job in the background (seen: a function triggered, then this thread blocked in
// Atomics.wait for 10 ms, comes back optimized).
import { writeFileSync } from 'node:fs';

// (module (func (export "sum") (param i32) (result i32) (local i32) a loop adding n, n-1, … 1))
const sumModule = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 6, 1, 96, 1, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3, 115, 117, 109, 0, 0, 10,
  27, 1, 25, 1, 1, 127, 3, 64, 32, 1, 32, 0, 106, 33, 1, 32, 0, 65, 1, 107, 34, 0, 13, 0, 11, 32, 1, 11,
]);

process.on('exit', () => {
  const { sum } = new WebAssembly.Instance(new WebAssembly.Module(sumModule)).exports;
  for (let call = 0; call < 3000; call += 1) sum(1000);
  const isTurboFan = new Function('f', 'return %IsTurboFanFunction(f)');
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let wait = 0; wait < 300 && !isTurboFan(sum); wait += 1) {
    sum(1000);
    Atomics.wait(pause, 0, 0, 10);
  }
  writeFileSync(process.env.WASM_TIER_FILE ?? 'wasm-tier.txt', isTurboFan(sum) ? 'turbofan' : 'liftoff');
});
