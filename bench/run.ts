/**
 * `npm run bench [-- <name> [options]]`: runs one benchmark by name (each prints its own table), or every one in
 * turn when no name is given. Options after the name go to that benchmark.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const benches: Record<string, string> = {
  ack: 'ack.ts',
  client: 'client-memory-cpu.ts',
};

function run(name: string, file: string, args: readonly string[]): number {
  console.error(`— bench ${name} —`);
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL(file, import.meta.url)), ...args],
    {
      stdio: 'inherit',
    },
  );
  return result.status ?? 1;
}

const [name, ...args] = process.argv.slice(2);
if (name === undefined) {
  let failed = 0;
  for (const [each, file] of Object.entries(benches)) if (run(each, file, []) !== 0) failed += 1;
  process.exitCode = failed > 0 ? 1 : 0;
} else {
  const file = benches[name];
  if (file === undefined) {
    console.error(`No bench named "${name}". Known: ${Object.keys(benches).join(', ')}.`);
    process.exitCode = 2;
  } else {
    process.exitCode = run(name, file, args);
  }
}
