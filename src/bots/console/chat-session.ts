import type { Brain } from '../../commands/brain.js';
import type { CommandContext } from '../../commands/context.js';
import { errorText } from '../../commands/replies/index.js';
import { type ButtonAction, panActions, type Reply, zoomActions } from '../../commands/reply.js';
import { type LazyAttachment, readyAttachment } from '../../core/attachment.js';
import { readAttachments } from './attachments.js';
import { type ChatInput, chatHelp, parseChatInput } from './chat-input.js';
import { createProgressLine } from './progress-line.js';
import { buttonCommands, formatReply } from './render-reply.js';
import { removeFiles, saveImages } from './saved-images.js';
import { terminalSafe } from './terminal-safe.js';

export interface ChatSessionOptions {
  brain: Brain;
  /** Who is chatting and where; the session adds the thread and the progress listener. */
  context: CommandContext;
  outDir: string;
  /** Writes text as it is (newlines included). */
  write(text: string): void;
  /** Progress rewrites one line on a terminal, else prints plain lines. */
  stdoutIsTty: boolean;
  newThreadKey(): string;
}

export interface ChatSession {
  /** Handles one line, waiting for its job; 'quit' when the user asked to leave. Never throws. */
  handle(line: string): Promise<'quit' | undefined>;
  /** `/cancel` and Ctrl-C: cancels the latest job at once, even while `handle` waits for it. */
  cancel(): Promise<void>;
  /** A line is being handled (a job may be running). */
  readonly busy: boolean;
  /** Stops all output: the chat is exiting. */
  mute(): void;
  /** The user is typing on the terminal: progress stops drawing over their line until `lineEntered`. */
  typing(): void;
  /** A line was entered; `waits` when it must wait for the request that runs (it is acknowledged as queued). */
  lineEntered(waits: boolean): void;
}

const nothingToPress: Record<ButtonAction, string> = {
  reroll: 'There is no result to re-roll yet: type a prompt first.',
  variations: 'There is no result to make variations of yet: type a prompt first.',
  upscale: 'There is no result to upscale yet: type a prompt first.',
  delete: 'There is no result to delete.',
  edit: 'There is no result to edit yet: type a prompt first.',
  pick: 'There is no such /compare result: /pick takes the number shown after one.',
  'zoom-1.5': 'There is no result to zoom out of yet: type a prompt first.',
  'zoom-2': 'There is no result to zoom out of yet: type a prompt first.',
  'pan-left': 'There is no result to pan yet: type a prompt first.',
  'pan-right': 'There is no result to pan yet: type a prompt first.',
  'pan-up': 'There is no result to pan yet: type a prompt first.',
  'pan-down': 'There is no result to pan yet: type a prompt first.',
};

/** Zoom and pan act on any image of the latest result (`/zoom 2 3`), though only single images show buttons. */
const outpaintActions = [...zoomActions, ...panActions];

/**
 * The console adapter: lines in, brain calls, replies out as text and files. The chat is one thread at a time:
 * a result that starts a conversation gets a thread key, and the lines after it are messages in that thread.
 */
export function createChatSession(options: ChatSessionOptions): ChatSession {
  const { brain, outDir } = options;
  let muted = false;
  let busy = false;
  let threadKey: string | undefined;
  let attachments: LazyAttachment[] = [];
  /** The job each button command acts on: the latest result that offered it. */
  const targets = new Map<ButtonAction, string>();
  let picks: string[] = [];
  /** The latest result's warnings, in full, for `/warnings`; undefined before any result. */
  let latestWarnings: readonly string[] | undefined;
  const filesByJob = new Map<string, string[]>();

  const write = (text: string) => {
    if (!muted) options.write(text);
  };
  const progress = createProgressLine({ write, isTty: options.stdoutIsTty });
  // Every reply carries text from outside (prompts, revised prompts, API errors): printed terminal-safe.
  const print = (text: string) => {
    progress.clear();
    const safe = terminalSafe(text);
    write(safe.endsWith('\n') ? safe : `${safe}\n`);
  };
  const context = (): CommandContext => ({
    ...options.context,
    ...(threadKey !== undefined && { threadId: threadKey }),
    onProgress: (event) => progress.update(event),
  });
  const takeAttachments = () => {
    const taken = attachments;
    attachments = [];
    return taken;
  };

  async function show(replies: readonly Reply[]): Promise<void> {
    const batchPicks: string[] = [];
    for (const reply of replies) {
      let saved: string[] = [];
      try {
        saved = await saveImages(reply.images, outDir);
      } catch (error) {
        print(errorText(error));
      }
      if (reply.jobId !== undefined && saved.length > 0) {
        filesByJob.set(reply.jobId, [...(filesByJob.get(reply.jobId) ?? []), ...saved]);
      }
      let removed: string[] = [];
      if (reply.deleteMessage && reply.jobId !== undefined) {
        removed = await removeFiles(filesByJob.get(reply.jobId) ?? []);
        filesByJob.delete(reply.jobId);
      }
      if (reply.kind === 'result') latestWarnings = reply.warnings ?? [];
      const pick = reply.buttons.find((button) => button.action === 'pick');
      if (pick) batchPicks.push(pick.jobId);
      else {
        for (const button of reply.buttons) targets.set(button.action, button.jobId);
        const upscale = reply.buttons.find((button) => button.action === 'upscale');
        if (upscale) for (const action of outpaintActions) targets.set(action, upscale.jobId);
      }
      const commands = buttonCommands(reply, pick ? batchPicks.length : undefined);
      print(formatReply(reply, { saved, removed, commands }));
      // A reply that names a thread starts a conversation: this chat's thread from now on.
      if (reply.threadName !== undefined && reply.jobId !== undefined) {
        threadKey = options.newThreadKey();
        await brain.linkResult(reply.jobId, { threadKey });
      } else if (reply.kind === 'result' && reply.jobId !== undefined) {
        // Every result goes on the team board, not only those that start a thread.
        await brain.linkResult(reply.jobId, {});
      }
    }
    if (batchPicks.length > 0) picks = batchPicks;
  }

  async function working(call: () => Promise<Reply[] | undefined>): Promise<Reply[] | undefined> {
    busy = true;
    try {
      return await call();
    } finally {
      progress.reset();
      busy = false;
    }
  }

  async function send(text: string): Promise<void> {
    const images = takeAttachments();
    if (threadKey !== undefined) {
      const replies = await working(() => brain.threadMessage(text, images, context()));
      if (replies) return show(replies);
      // The thread's conversation is gone (expired): this line starts a new one.
      threadKey = undefined;
    }
    // A plain line is always a prompt: "compare two cats" must not run the compare command.
    await show((await working(() => brain.imagine(text, images, context()))) ?? []);
  }

  async function press(action: ButtonAction, jobId: string | undefined, image?: number): Promise<void> {
    if (jobId === undefined) return print(nothingToPress[action]);
    await show((await working(() => brain.button(action, jobId, context(), undefined, image))) ?? []);
  }

  async function attach(files: readonly string[]): Promise<void> {
    const attached = await readAttachments(files);
    attachments.push(...attached.map((entry) => readyAttachment(entry.file, entry.image)));
    const names = attached.map((entry) => entry.description).join(', ');
    print(`attached ${names}: ${attachments.length === 1 ? 'it goes' : 'they go'} with your next message.`);
  }

  async function run(input: Exclude<ChatInput, { kind: 'quit' }>): Promise<void> {
    switch (input.kind) {
      case 'empty':
        return;
      case 'message':
        return send(input.text);
      case 'new':
        threadKey = undefined;
        if (input.text === '') return print('New thread: your next line makes a new image.');
        return send(input.text);
      case 'attach':
        return attach(input.files);
      case 'command': {
        // Compare results are not this thread's: the next line starts fresh unless one is picked.
        if (input.name === 'compare') threadKey = undefined;
        const images = input.name === 'compare' ? takeAttachments() : [];
        const replies = await working(() =>
          brain.text(`${input.name} ${input.text}`.trim(), images, context()),
        );
        return show(replies ?? []);
      }
      case 'help':
        if (input.text === '') print(`${chatHelp}\n`);
        return show(await brain.text(`help ${input.text}`.trim(), [], context()));
      case 'button':
        return press(input.action, targets.get(input.action), input.image);
      case 'pick':
        return press('pick', picks[input.number - 1]);
      case 'warnings':
        return print(warningsText(latestWarnings));
      case 'invalid':
        return print(input.message);
    }
  }

  return {
    async handle(line) {
      const input = parseChatInput(line);
      if (input.kind === 'quit') return 'quit';
      try {
        await run(input);
      } catch (error) {
        print(errorText(error));
      }
      return undefined;
    },
    async cancel() {
      try {
        await show(await brain.text('cancel', [], options.context));
      } catch (error) {
        print(errorText(error));
      }
    },
    get busy() {
      return busy;
    },
    mute() {
      muted = true;
    },
    typing() {
      progress.yieldToTyping();
    },
    lineEntered(waits) {
      if (waits) print('⏳ Queued: it runs when the current request is done (/cancel stops that one).');
      progress.resume();
    },
  };
}

function warningsText(warnings: readonly string[] | undefined): string {
  if (warnings === undefined) return 'There is no result yet: type a prompt first.';
  if (warnings.length === 0) return 'The latest result has no warnings.';
  return `Warnings of the latest result:\n${warnings.map((warning) => `  ⚠ ${warning}`).join('\n')}`;
}
