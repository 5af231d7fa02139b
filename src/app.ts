import type { Dispatcher } from 'undici';
import { type Brain, createBrain } from './commands/brain.js';
import { createDelivery, type ReplyOutlet } from './commands/delivery.js';
import { createJobDelivery, type JobDelivery } from './commands/job-delivery.js';
import type { BotServices } from './commands/services.js';
import { type Config, configSecrets } from './config.js';
import { createBoardStore } from './core/board/board-store.js';
import { keepForBoard } from './core/board/keep-for-board.js';
import { createThreadedImageClient } from './core/client/client-thread.js';
import { createImageClient } from './core/client/index.js';
import { createConversationStore } from './core/conversations/conversation-store.js';
import { createImageService } from './core/image-service.js';
import { createRunner } from './core/jobs/create-runner.js';
import { createJobExecutor } from './core/jobs/job-executor.js';
import { createJobStore, newJobId } from './core/jobs/job-store.js';
import { type Clock, systemClock } from './core/jobs/local-runner.js';
import { createQuotas } from './core/jobs/quotas.js';
import { chooseLogFormat, createLogger, type Logger } from './core/logger.js';
import { type AttachmentDownloader, createAttachmentDownloader } from './core/net/attachment-downloader.js';
import { createJobEvents } from './core/observe/job-events.js';
import type { Metrics } from './core/observe/metrics.js';
import { partProbes } from './core/observe/part-probes.js';
import { createReadiness, type Readiness } from './core/observe/readiness.js';
import { createSettingsStore } from './core/settings/settings.js';
import { createImageBlobs } from './core/store/blobs.js';
import { createEventClaims } from './core/store/event-claims.js';
import type { ImageStore } from './core/store/image-store.js';
import { createImageStore, createStore } from './core/store/index.js';
import type { Store } from './core/store/store.js';

export interface App {
  brain: Brain;
  services: BotServices;
  /** Reads the files users attach on Slack and Discord; one per app, so its download limit is process-wide. */
  downloads: AttachmentDownloader;
  store: Store;
  /** Image bytes (IMAGE_STORE_URL); the store keeps their hashes. */
  imageStore: ImageStore;
  logger: Logger;
  /** Jobs that post their own replies: the platform adapters queue them with a destination. */
  jobDelivery: JobDelivery;
  /**
   * Lets this process post replies on a platform (an adapter's REST client, or a worker's): any job whose
   * destination is there can then be delivered from here. `progressIntervalMs`: the least time between edits.
   */
  useOutlet(outlet: ReplyOutlet, options?: { progressIntervalMs?: number; now?: () => number }): void;
  /**
   * A durable runner (`jobs: 'durable'`) re-queues what a previous process left unfinished, tells each user once
   * and answers what cannot resume. Call once the outlets are in place. Returns how many jobs it handled.
   */
  recover(): Promise<{ resumed: number; finished: number; failed: number }>;
  /** Stops taking jobs; running ones get up to `graceMs` to finish, then are handed back (never dropped). */
  close(graceMs?: number): Promise<void>;
  /** What /readyz asks: the store, the image store and the queue from the start; each front end adds its own. */
  readiness: Readiness;
  /** The Prometheus registry and instruments (with `metrics: true`). */
  metrics: Metrics | undefined;
}

export interface AppOverrides {
  logger?: Logger;
  clock?: Clock;
  /** Test seam: a ready store instead of `config.storeUrl`. */
  store?: Store;
  /** Test seam: a ready image store instead of `config.imageStoreUrl` (the caller closes it). */
  imageStore?: ImageStore;
  dispatcher?: Dispatcher;
  random?: () => number;
  progressIntervalMs?: number;
  /**
   * 'durable' (`imagine-bot start` and `worker`): jobs survive the process — kept in the store and resumed at the
   * next start (embedded), or on BullMQ when STORE_URL is redis:// (several instances). Default 'memory'.
   */
  jobs?: 'memory' | 'durable';
  /** BullMQ only: false for a front end that runs no jobs (`start --no-worker`). Default true. */
  runWorker?: boolean;
  /** Keep Prometheus metrics (`start`, `worker`): loads prom-client. Default false. */
  metrics?: boolean;
}

const defaultProgressEditMs = 3000;

/** The composition root: config in, a brain out. Front ends (chat, Discord, Slack) only add their adapter. */
export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger =
    overrides.logger ??
    createLogger({
      level: config.logLevel,
      format: chooseLogFormat(config.logFormat, process.stderr.isTTY === true),
      secrets: configSecrets(config),
    });
  const clock = overrides.clock ?? systemClock();
  const namespace = config.storeNamespace;
  const store = overrides.store ?? (await createStore(config.storeUrl, { logger, namespace }));
  const imageStore =
    overrides.imageStore ??
    (await createImageStore(config.imageStoreUrl, { logger, namespace }).catch(async (error: unknown) => {
      // Nothing this app opened may outlive a failed start.
      if (!overrides.store) await store.close();
      throw error;
    }));
  const metrics = overrides.metrics ? (await import('./core/observe/metrics.js')).createMetrics() : undefined;
  const events = createJobEvents({ logger, now: () => clock.now(), ...(metrics && { metrics }) });
  // The image API calls on a thread of their own; in process only with a test's or proxy's own dispatcher.
  const client =
    overrides.dispatcher === undefined
      ? createThreadedImageClient({ ...config.imageApi, logger })
      : createImageClient({ ...config.imageApi, logger, dispatcher: overrides.dispatcher });
  const jobs = createJobStore(store, config.imageTtlMs);
  const conversations = createConversationStore(store, config.imageTtlMs, () => clock.now());
  const blobs = createImageBlobs(store, imageStore);
  const executor = createJobExecutor({
    jobs,
    conversations,
    blobs,
    images: createImageService({ client, random: overrides.random ?? Math.random }),
    historyTurns: config.historyTurns,
    imageTtlMs: config.imageTtlMs,
    now: () => clock.now(),
    events,
  });
  const outlets: ReplyOutlet[] = [];
  const progressPace = new Map<string, { intervalMs: number; now: () => number }>();
  const delivery = createDelivery({
    outlets,
    store,
    logger,
    now: () => clock.now(),
    onPosted: async (jobId, _step, posted) => {
      const [first, ...rest] = posted.messageKeys;
      await brain.linkResult(jobId, {
        ...(first !== undefined && { messageKey: first }),
        ...(posted.messageUrl !== undefined && { messageUrl: posted.messageUrl }),
        ...(posted.threadKey !== undefined && { threadKey: posted.threadKey }),
      });
      for (const messageKey of rest) await brain.linkResult(jobId, { messageKey });
    },
  });
  const jobDelivery = createJobDelivery({
    services: () => services,
    delivery,
    logger,
    holdUntilOpen: overrides.jobs === 'durable',
    events,
    progressPace: (platform) =>
      progressPace.get(platform) ?? { intervalMs: defaultProgressEditMs, now: () => clock.now() },
  });
  const runner = await createRunner({
    storeUrl: config.storeUrl,
    concurrency: config.imageApi.concurrency,
    userConcurrency: config.limits.userConcurrency,
    namespace,
    stalledIntervalMs: config.jobStalledMs,
    executor: jobDelivery.deliveringExecutor(executor),
    store,
    jobs,
    blobs,
    clock,
    logger,
    durable: overrides.jobs === 'durable',
    runWorker: overrides.runWorker ?? true,
    ...(overrides.progressIntervalMs !== undefined && { progressIntervalMs: overrides.progressIntervalMs }),
  });
  const board = createBoardStore({
    store,
    imageTtlMs: config.imageTtlMs,
    favouriteTtlMs: config.board.favouriteTtlMs,
    now: () => clock.now(),
    keep: (entry, ttlMs) => keepForBoard({ jobs, blobs }, entry, ttlMs),
  });
  const services: BotServices = {
    config: {
      defaultModel: config.defaultModel,
      historyTurns: config.historyTurns,
      imageTtlMs: config.imageTtlMs,
      adminIds: config.adminIds,
      maxPromptChars: config.limits.maxPromptChars,
      board: {
        linkTtlMs: config.board.linkTtlMs,
        ...(config.board.secret !== undefined && { secret: config.board.secret }),
        ...(config.board.publicUrl !== undefined && { publicUrl: config.board.publicUrl }),
      },
    },
    board,
    jobs,
    conversations,
    presets: createSettingsStore(store),
    claims: createEventClaims(store, logger),
    blobs,
    runner,
    jobDelivery,
    quotas: createQuotas(
      store,
      {
        userPerMinute: config.limits.userPerMinute,
        userPerDay: config.limits.userPerDay,
        channelPerDay: config.limits.channelPerDay,
      },
      { now: () => clock.now() },
    ),
    events,
    now: () => clock.now(),
    newId: newJobId,
    random: overrides.random ?? Math.random,
  };
  const brain = createBrain(services);
  metrics?.watchQueue(() => runner.stats());
  const readiness = createReadiness({ secrets: configSecrets(config) });
  for (const [name, check] of Object.entries(
    partProbes({ store, imageStore, runner, now: () => clock.now() }),
  ))
    readiness.add(name, check);
  return {
    readiness,
    metrics,
    brain,
    services,
    jobDelivery,
    useOutlet(outlet, options = {}) {
      const index = outlets.findIndex((known) => known.platform === outlet.platform);
      if (index >= 0) outlets.splice(index, 1);
      outlets.push(outlet);
      progressPace.set(outlet.platform, {
        intervalMs: options.progressIntervalMs ?? defaultProgressEditMs,
        now: options.now ?? (() => clock.now()),
      });
    },
    async recover() {
      jobDelivery.open();
      if (!('recover' in runner)) return { resumed: 0, finished: 0, failed: 0 };
      const report = await runner.recover();
      await jobDelivery.recovered(report);
      return {
        resumed: report.resumed.length,
        finished: report.finished.length,
        failed: report.failed.length,
      };
    },
    downloads: createAttachmentDownloader({
      maxBytes: config.attachments.maxBytes,
      maxConcurrent: config.attachments.maxConcurrentDownloads,
      logger,
    }),
    store,
    imageStore,
    logger,
    async close(graceMs = 0) {
      await runner.close(graceMs);
      await client.close();
      if (!overrides.imageStore) await imageStore.close();
      if (!overrides.store) await store.close();
    },
  };
}
