#!/usr/bin/env node
// Runs the built CLI when `npm run build` has been done, else the TypeScript sources through tsx.
import { existsSync } from 'node:fs';

const built = new URL('../dist/src/cli.js', import.meta.url);
let cli;
if (existsSync(built)) {
  cli = await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(new URL('../src/cli.ts', import.meta.url).href);
}
process.exitCode = await cli.runCli(process.argv.slice(2));
