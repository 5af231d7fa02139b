/**
 * How the bot's process is started: the Node flags of `npm start` (package.json's start script, `node <flags>
 * bin/imagine-bot.js start`) and the runtime environment of the Docker image (its `ENV GLIBC_TUNABLES=…`). Every
 * bench that measures the bot's process gives it both.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const packageSchema = z.object({ scripts: z.object({ start: z.string() }) });
const startScript = /^node((?: --?[\w-]+(?:=\S+)?)*) bin\/imagine-bot\.js start$/;

/** The flags of a start script (`node --a=1 bin/imagine-bot.js start` → ['--a=1']); throws on any other shape. */
export function flagsOfStartScript(script: string): string[] {
  const match = startScript.exec(script);
  if (match === null)
    throw new Error(`the start script is not "node [flags] bin/imagine-bot.js start": ${script}`);
  return (match[1] ?? '').split(' ').filter((flag) => flag !== '');
}

const dockerfileUrl = new URL('../Dockerfile', import.meta.url);
const runtimeEnvironment = /^ENV (GLIBC_TUNABLES)=(\S+)$/gm;

/**
 * The environment the Docker image runs the bot with, beyond its configuration (the lines `ENV GLIBC_TUNABLES=…`
 * of the Dockerfile): the benches start their bot with it, so they measure what the image runs.
 */
export function startEnvironment(): Record<string, string> {
  const dockerfile = readFileSync(dockerfileUrl, 'utf8');
  // The image that runs is the last stage; the build stage's environment stays behind.
  const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  return Object.fromEntries(
    [...runtimeStage.matchAll(runtimeEnvironment)].map((match) => [match[1], match[2]]),
  );
}

/** A bench child's environment: the caller's, plus the image's runtime environment for the bot. */
export function benchEnv(runsTheBot: boolean): NodeJS.ProcessEnv {
  return runsTheBot ? { ...process.env, ...startEnvironment() } : process.env;
}

/** A bench child's Node arguments: npm start's flags for the bot, Node's defaults for the rest; tsx for both. */
export function benchExecArgv(runsTheBot: boolean): string[] {
  return [...(runsTheBot ? startNodeFlags() : []), '--import', 'tsx'];
}

export function startNodeFlags(): string[] {
  const packageJson = packageSchema.parse(
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')),
  );
  return flagsOfStartScript(packageJson.scripts.start);
}
