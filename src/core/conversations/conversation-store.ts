import { createKeyedLock } from '../keyed-lock.js';
import type { Store } from '../store/store.js';
import { type Conversation, conversationSchema, type Turn } from './conversation.js';
import { turnsUpTo } from './history.js';

const conversations = 'conversations';
const threadLinks = 'thread-links';
const messageLinks = 'message-links';

export interface ConversationStore {
  get(id: string): Promise<Conversation | undefined>;
  create(conversation: Conversation): Promise<void>;
  /**
   * A new conversation `id` that starts as a copy of conversation `from` up to job `upTo` (its current job); empty
   * when either is absent. Edits and re-rolls outside their thread fork so.
   */
  fork(fork: { id: string; channelId: string; from?: string; upTo?: string }): Promise<void>;
  /** Appends turns (and moves the current job) in one write. */
  append(id: string, turns: Turn[], currentJobId?: string): Promise<Conversation | undefined>;
  /** A platform thread (`discord:<thread id>`, `slack:<channel>/<thread_ts>`) belongs to a conversation. */
  linkThread(threadKey: string, conversationId: string): Promise<void>;
  conversationOfThread(threadKey: string): Promise<string | undefined>;
  /** A platform message shows a job's result, so replying to it edits that image. */
  linkMessage(messageKey: string, jobId: string): Promise<void>;
  jobOfMessage(messageKey: string): Promise<string | undefined>;
}

export function createConversationStore(
  store: Store,
  ttlMs: number,
  now: () => number = Date.now,
): ConversationStore {
  // Two edits finishing at once in one thread must both land.
  const lock = createKeyedLock();
  return {
    get: (id) => store.getParsed(conversations, id, conversationSchema),
    create: (conversation) => store.set(conversations, conversation.id, conversation, ttlMs),
    async fork({ id, channelId, from, upTo }) {
      const source =
        from !== undefined && upTo !== undefined
          ? await store.getParsed(conversations, from, conversationSchema)
          : undefined;
      const conversation: Conversation = {
        id,
        channelId,
        turns: source && upTo !== undefined ? turnsUpTo(source.turns, upTo) : [],
        ...(upTo !== undefined && { currentJobId: upTo }),
        updatedAt: now(),
      };
      await store.set(conversations, id, conversation, ttlMs);
    },
    append: (id, turns, currentJobId) =>
      lock.run(id, async () => {
        const conversation = await store.getParsed(conversations, id, conversationSchema);
        if (!conversation) return undefined;
        const next: Conversation = {
          ...conversation,
          turns: [...conversation.turns, ...turns],
          currentJobId: currentJobId ?? conversation.currentJobId,
          updatedAt: now(),
        };
        await store.set(conversations, id, next, ttlMs);
        return next;
      }),
    linkThread: (threadKey, conversationId) => store.set(threadLinks, threadKey, conversationId, ttlMs),
    async conversationOfThread(threadKey) {
      const id = await store.get<unknown>(threadLinks, threadKey);
      return typeof id === 'string' ? id : undefined;
    },
    linkMessage: (messageKey, jobId) => store.set(messageLinks, messageKey, jobId, ttlMs),
    async jobOfMessage(messageKey) {
      const id = await store.get<unknown>(messageLinks, messageKey);
      return typeof id === 'string' ? id : undefined;
    },
  };
}
