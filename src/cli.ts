import { terminalSafe } from './bots/console/terminal-safe.js';
import { exitCodeFor, exitCodes } from './cli/exit-codes.js';
import { type CliIo, processIo } from './cli/io.js';
import { stayOnBaselineWasm } from './cli/one-shot.js';

const usage = `imagine-bot — image generation and edits for Discord, Slack and the terminal

Commands:
  imagine-bot start [--no-worker]             run every front end whose credentials are set (npm start);
                                              --no-worker: only receive commands (redis:// STORE_URL)
  imagine-bot worker                          only run jobs from the shared queue (redis:// STORE_URL)
  imagine-bot chat [--out DIR]                chat in the terminal: a prompt, then edits, line by line
  imagine-bot demo [--out DIR]                the chat against a local fake image API, no key (npm run demo)
  imagine-bot generate "<prompt>" [options]   one-shot generation to ./out (see: imagine-bot generate --help)
  imagine-bot fake-api [--port 8787]          a local fake of the image API, for trying the bot with no key
  imagine-bot register discord                register the slash commands with Discord (DISCORD_GUILD_ID: one server, instantly)
`;

type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

/** A command that makes its few calls and exits: see `stayOnBaselineWasm`. */
function oneShot(load: () => Promise<Command>): () => Promise<Command> {
  return () => {
    stayOnBaselineWasm();
    return load();
  };
}

// Each command is imported when it runs, so `generate` never pays for discord.js, Bolt or the stores.
const commands: Record<string, () => Promise<Command>> = {
  start: async () => {
    const { runStart } = await import('./cli/start-command.js');
    return (argv, io) => runStart(argv, io);
  },
  worker: async () => (await import('./cli/worker-command.js')).runWorker,
  chat: async () => {
    const { runChat } = await import('./cli/chat-command.js');
    return (argv, io) => runChat(argv, io);
  },
  demo: async () => {
    const { runDemo } = await import('./cli/demo-command.js');
    return (argv, io) => runDemo(argv, io);
  },
  generate: oneShot(async () => (await import('./cli/generate-command.js')).runGenerate),
  'fake-api': async () => (await import('./cli/fake-api-command.js')).runFakeApi,
  register: oneShot(async () => (await import('./cli/register-command.js')).runRegister),
};

/** Runs one CLI command and returns its exit code; failures print one clear line, never a stack or a secret. */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(usage);
    return name === undefined ? exitCodes.badInput : exitCodes.ok;
  }
  const loadCommand = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!loadCommand) {
    io.stderr(`Unknown command "${terminalSafe(name)}".\n\n${usage}`);
    return exitCodes.badInput;
  }
  try {
    const command = await loadCommand();
    return await command(rest, io);
  } catch (error) {
    // The message may quote the API or the command line: printed terminal-safe.
    io.stderr(`error: ${terminalSafe(error instanceof Error ? error.message : String(error))}\n`);
    return exitCodeFor(error);
  }
}
