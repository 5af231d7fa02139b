import { terminalSafe } from './bots/console/index.js';
import { runChat } from './cli/chat-command.js';
import { runDemo } from './cli/demo-command.js';
import { exitCodeFor, exitCodes } from './cli/exit-codes.js';
import { runFakeApi } from './cli/fake-api-command.js';
import { runGenerate } from './cli/generate-command.js';
import { type CliIo, processIo } from './cli/io.js';
import { runRegister } from './cli/register-command.js';
import { runStart } from './cli/start-command.js';

const usage = `imagine-bot — image generation and edits for Discord, Slack and the terminal

Commands:
  imagine-bot start                           run every front end whose credentials are set (npm start)
  imagine-bot chat [--out DIR]                chat in the terminal: a prompt, then edits, line by line
  imagine-bot demo [--out DIR]                the chat against a local fake image API, no key (npm run demo)
  imagine-bot generate "<prompt>" [options]   one-shot generation to ./out (see: imagine-bot generate --help)
  imagine-bot fake-api [--port 8787]          a local fake of the image API, for trying the bot with no key
  imagine-bot register discord                register the slash commands with Discord (DISCORD_GUILD_ID: one server, instantly)
`;

type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

const commands: Record<string, Command> = {
  start: (argv, io) => runStart(argv, io),
  chat: (argv, io) => runChat(argv, io),
  demo: (argv, io) => runDemo(argv, io),
  generate: runGenerate,
  'fake-api': runFakeApi,
  register: runRegister,
};

/** Runs one CLI command and returns its exit code; failures print one clear line, never a stack or a secret. */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(usage);
    return name === undefined ? exitCodes.badInput : exitCodes.ok;
  }
  const command = commands[name];
  if (!command) {
    io.stderr(`Unknown command "${terminalSafe(name)}".\n\n${usage}`);
    return exitCodes.badInput;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    // The message may quote the API or the command line: printed terminal-safe.
    io.stderr(`error: ${terminalSafe(error instanceof Error ? error.message : String(error))}\n`);
    return exitCodeFor(error);
  }
}
