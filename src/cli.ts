import { runChat } from './cli/chat-command.js';
import { runDemo } from './cli/demo-command.js';
import { runFakeApi } from './cli/fake-api-command.js';
import { runGenerate } from './cli/generate-command.js';
import { type CliIo, processIo } from './cli/io.js';
import { runRegister } from './cli/register-command.js';
import { runStart } from './cli/start-command.js';
import { isImagineError } from './core/errors.js';

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
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    io.stderr(`Unknown command "${name}".\n\n${usage}`);
    return 2;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    if (isImagineError(error)) {
      io.stderr(`error: ${error.message}\n`);
      return error.code === 'config' || error.code === 'invalid_option' ? 2 : 1;
    }
    io.stderr(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
