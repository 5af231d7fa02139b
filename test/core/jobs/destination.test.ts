import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createJobStore } from '../../../src/core/jobs/job-store.js';
import { createLogger } from '../../../src/core/logger.js';
import { createStore } from '../../../src/core/store/create-store.js';
import { makeJob } from '../../commands/replies-fixtures.js';

const logger = createLogger({ level: 'silent' });

describe('a job carries its destination', () => {
  it('keeps the destination through the store, read back by another connection to the same file', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'destination-'));
    const url = `sqlite://${join(directory, 'store.sqlite')}`;
    const writer = await createStore(url, { logger });
    const reader = await createStore(url, { logger });
    try {
      const destination = {
        platform: 'discord' as const,
        applicationId: '1100000000000000001',
        channelId: '1300000000000000001',
        guildId: '1200000000000000001',
        requesterId: '1400000000000000001',
        interactionToken: 'itok-abc',
        tokenExpiresAt: 1_800_000_840_000,
        messageId: '1600000000000000001',
      };
      await createJobStore(writer, 60_000).save(makeJob({ destination }));
      expect((await createJobStore(reader, 60_000).get('job123'))?.destination).toEqual(destination);
    } finally {
      await writer.close();
      await reader.close();
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('reads jobs stored before destinations existed, and keeps one of a platform it does not know as it is', async () => {
    const store = await createStore('memory://', { logger });
    try {
      const jobs = createJobStore(store, 60_000);
      const { destination: _none, ...old } = makeJob();
      await store.set('jobs', 'old', { ...old, id: 'old' }, 60_000);
      expect((await jobs.get('old'))?.destination).toBeUndefined();
      await store.set('jobs', 'odd', {
        ...old,
        id: 'odd',
        destination: { platform: 'teams', channelId: 'x' },
      });
      // The core knows no platform: the record reads, its destination as stored (an outlet reads it, or not).
      const odd = await jobs.get('odd');
      expect(odd?.destination).toStrictEqual({ platform: 'teams', channelId: 'x' });
      const slack = {
        platform: 'slack' as const,
        channelId: 'C0001',
        requesterId: 'U0USER',
        threadTs: '1.2',
      };
      await jobs.save(makeJob({ id: 'new', destination: slack }));
      expect((await jobs.get('new'))?.destination).toStrictEqual(slack);
    } finally {
      await store.close();
    }
  });
});
