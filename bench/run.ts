/**
 * `npm run bench` runs every bench; `npm run bench -- cli` (or several names) only those. Flags after the names go
 * to each bench (`npm run bench -- client --runs 9`). Each bench runs in its own process.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Bench name → its file in bench/. */
const benches: Record<string, string> = {
  client: 'client-memory-cpu.ts',
  cli: 'cli.ts',
  ack: 'ack.ts',
  'big-images': 'big-images.ts',
  throughput: 'throughput.ts',
  soak: 'soak.ts',
  board: 'board.ts',
};

function runBench(file: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL(`./${file}`, import.meta.url)), ...args],
      { stdio: 'inherit' },
    );
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const firstFlag = argv.findIndex((argument) => argument.startsWith('-'));
  const names = firstFlag === -1 ? argv : argv.slice(0, firstFlag);
  const flags = firstFlag === -1 ? [] : argv.slice(firstFlag);
  const unknown = names.filter((name) => !Object.hasOwn(benches, name));
  if (unknown.length > 0) {
    console.error(`Unknown bench "${unknown.join('", "')}". Benches: ${Object.keys(benches).join(', ')}.`);
    process.exitCode = 2;
    return;
  }
  for (const name of names.length > 0 ? names : Object.keys(benches)) {
    console.error(`\n== bench: ${name} ==`);
    const code = await runBench(benches[name] ?? '', flags);
    if (code !== 0) process.exitCode = code;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
