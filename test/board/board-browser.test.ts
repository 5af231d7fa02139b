import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { startBoardForApp } from '../../src/board/board-for-app.js';
import type { BoardServer } from '../../src/board/board-server.js';
import { threadKeys } from '../../src/bots/console/console-context.js';
import { type ChatSession, consoleContext, createChatSession } from '../../src/bots/console/index.js';
import { parseConfig } from '../../src/config.js';
import { type FakeImageApi, startFakeImageApi } from '../../src/dev/fake-image-api/index.js';
import { chromiumArgs, chromiumInstalled, chromiumPath } from '../support/chromium.js';
import { freePort } from '../support/free-port.js';

const key = 'sk-board-browser-5c1e';
const secret = 'board-secret-for-the-browser-test';
const artifacts = join(process.cwd(), 'test-artifacts', 'board');

describe('the team board in a real browser', () => {
  let fake: FakeImageApi;
  let app: App;
  let server: BoardServer | undefined;
  let browser: Browser;
  let page: Page;
  let chat: ChatSession;
  const output: string[] = [];
  let link = '';
  const jobs: Record<string, string> = {};
  const consoleErrors: string[] = [];

  const latestJob = async () => {
    const listed = await app.services.board?.list('console:local', {}, { limit: 1 });
    return listed?.entries[0]?.jobId ?? '';
  };
  const shot = (name: string) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    if (!chromiumInstalled)
      throw new Error(
        `No chromium at ${chromiumPath}: apt-get install chromium (as .ci/run does), or set CHROMIUM_PATH.`,
      );
    await mkdir(artifacts, { recursive: true });
    fake = await startFakeImageApi({ apiKey: key, maxSide: 256 });
    const port = await freePort();
    const config = parseConfig({
      IMAGE_API_BASE_URL: fake.url,
      IMAGE_API_KEY: key,
      IMAGE_API_MAX_RETRIES: '0',
      STORE_URL: 'memory://',
      IMAGE_STORE_URL: 'memory://',
      LOG_LEVEL: 'silent',
      USER_RATE_LIMIT_PER_MINUTE: '0',
      BOARD_SECRET: secret,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      BOARD_PORT: String(port),
      BOARD_HOST: '127.0.0.1',
    });
    app = await createApp(config);
    server = await startBoardForApp(app, config, app.logger);
    chat = createChatSession({
      brain: app.brain,
      context: consoleContext('ada'),
      outDir: await mkdtemp(join(tmpdir(), 'imagine-board-')),
      write: (text) => output.push(text),
      stdoutIsTty: false,
      newThreadKey: threadKeys(),
    });
    // A family: imagine → U2 → zoom → edit (in the thread), plus a compare.
    await chat.handle('a red fox at dawn --model gpt-image --n 2');
    jobs.imagine = await latestJob();
    await chat.handle('/upscale 2');
    jobs.upscale = await latestJob();
    await chat.handle('/zoom 2');
    jobs.zoom = await latestJob();
    await chat.handle('paint it <script>alert("x")</script> blue');
    jobs.edit = await latestJob();
    await chat.handle('/compare a lighthouse --models gpt-image,seedream-4');
    output.length = 0;
    await chat.handle('/board');
    link = /https?:\/\/\S+\/board\/\S+\//.exec(output.join(''))?.[0] ?? '';
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on('dialog', (dialog) => {
      throw new Error(`a dialog opened: ${dialog.message()}`);
    });
    // A Content-Security-Policy violation or a script error shows as a console error.
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await app?.close();
    await fake?.close();
  });

  it('answers /board with a signed link to this channel’s board', () => {
    expect(output.join('')).toContain("This channel's team board: ");
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/board\/[A-Za-z0-9_-]+\.\d+\.[A-Za-z0-9_-]{43}\/$/);
  });

  it('shows every result as a grid, newest first, each card with prompt, model, who, when and kind', async () => {
    const response = await page.goto(link);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    const cards = page.locator('article.card');
    // imagine (2 images) + upscale + zoom + edit + compare (2 jobs of 1) = 7 images.
    await expect.poll(() => cards.count()).toBe(7);
    const kinds = await page.locator('article.card .kind').allTextContents();
    expect(kinds.slice(0, 2)).toEqual(['compare', 'compare']);
    expect(kinds.slice(2)).toEqual(['edit', 'zoom', 'upscale', 'imagine', 'imagine']);
    await expect.poll(() => page.locator('article.card .who').first().textContent()).toBe('ada');
    // The thumbnail loads after the card shows: poll until the browser has decoded it.
    const thumbnailWidth = () =>
      page
        .locator('article.card img')
        .first()
        .evaluate((image) => Number(Reflect.get(image, 'naturalWidth')));
    await expect.poll(thumbnailWidth).toBeGreaterThan(0);
    await shot('1-grid');
  });

  it('shows a prompt holding <script> as text, running nothing', async () => {
    await page.goto(link);
    const editPrompt = page.locator(`article.card[data-job="${jobs.edit}"] .prompt`);
    await expect.poll(() => editPrompt.textContent()).toContain('<script>alert("x")</script>');
    expect(await page.locator('script:not([src])').count()).toBe(0);
  });

  it('walks the family tree: parent, the other images of a request, children, each linked', async () => {
    await page.goto(`${link}job/${jobs.zoom}`);
    await expect.poll(() => page.locator('.ancestry article.card').count()).toBe(2);
    const ancestors = await page
      .locator('.ancestry article.card')
      .evaluateAll((cards) => cards.map((card) => card.getAttribute('data-job')));
    expect(ancestors).toEqual([jobs.imagine, jobs.upscale]);
    // The zoom came from the upscale of image 2: the first request shows that image.
    expect(await page.locator('.ancestry article.card').first().getAttribute('data-image')).toBe('2');
    const children = await page
      .locator('.children article.card')
      .evaluateAll((cards) => cards.map((card) => card.getAttribute('data-job')));
    expect(children).toEqual([jobs.edit]);
    await shot('2-tree-zoom');
    // Up to the parent, then to the first request, whose other image shows as a sibling.
    await page.locator('a.parent-link').click();
    await expect.poll(() => page.url()).toContain(`job/${jobs.upscale}`);
    await page.locator(`.ancestry article.card[data-job="${jobs.imagine}"] a`).click();
    await expect.poll(() => page.url()).toContain(`job/${jobs.imagine}`);
    await expect.poll(() => page.locator('.siblings article.card').count()).toBe(1);
    expect(
      await page
        .locator('.children article.card')
        .evaluateAll((cards) => cards.map((card) => card.getAttribute('data-job'))),
    ).toEqual([jobs.upscale]);
    await shot('3-tree-imagine');
  });

  it('compares two picked images side by side with their prompts and options, with a copy button', async () => {
    await page.goto(link);
    await page.locator(`article.card[data-job="${jobs.edit}"] input[name=pick]`).check();
    await page.locator(`article.card[data-job="${jobs.zoom}"] input[name=pick]`).check();
    await page.locator('#compare-button').click();
    await expect.poll(() => page.locator('article.compared').count()).toBe(2);
    const texts = await page.locator('article.compared').allTextContents();
    expect(texts[0]).toContain('paint it <script>alert("x")</script> blue');
    expect(texts.join(' ')).toContain('model');
    const copy = await page.locator('article.compared button[data-copy]').first().getAttribute('data-copy');
    expect(copy).toMatch(/^\/imagine paint it <script>alert\("x"\)<\/script> blue --model \S+/);
    await shot('4-compare');
  });

  it('stars an image and filters the board to favourites only, from the store', async () => {
    await page.goto(link);
    await page.locator(`article.card[data-job="${jobs.upscale}"] button.star`).click();
    await expect
      .poll(() => page.locator(`article.card[data-job="${jobs.upscale}"] button.star`).textContent())
      .toBe('★');
    expect(await app.services.board?.favourites(jobs.upscale ?? '')).toMatchObject([{ image: 1 }]);
    await page.locator('input[name=fav]').check();
    await page.locator('form.filters button[type=submit]').click();
    await expect.poll(() => page.locator('article.card').count()).toBe(1);
    expect(await page.locator('article.card').getAttribute('data-job')).toBe(jobs.upscale);
    await shot('5-favourites');
  });

  it('is readable on a phone: cards in columns that fit, nothing to scroll sideways, no console errors', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    try {
      await phone.goto(link);
      await expect.poll(() => phone.locator('article.card').count()).toBeGreaterThan(0);
      // Evaluated in the page (the project's types have no DOM).
      const widths = await phone.evaluate<number[]>(
        '[document.documentElement.scrollWidth, window.innerWidth]',
      );
      expect(widths[0]).toBeLessThanOrEqual(widths[1] ?? 0);
      await phone.screenshot({ path: join(artifacts, '7-phone.png'), fullPage: true });
    } finally {
      await phone.close();
    }
    expect(consoleErrors).toEqual([]);
  });

  it('answers a changed or expired link with a plain 403 page', async () => {
    // A later expiry with the old signature: the signature no longer matches.
    const tampered = link.replace(
      /\/board\/([^.]+)\.(\d+)\./,
      (_, channel: string, expiry: string) => `/board/${channel}.${Number(expiry) + 86_400}.`,
    );
    const response = await page.goto(tampered);
    expect(response?.status()).toBe(403);
    expect(await page.locator('h1').textContent()).toBe('This board link is not valid');
    const image = await fetch(`${tampered}image/${jobs.imagine}/1`);
    expect(image.status).toBe(403);
    await shot('6-forbidden');
  });

  it('serves originals with their type, a hash ETag, caching, 304 and ranges', async () => {
    const url = `${link}image/${jobs.imagine}/1`;
    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toMatch(/^image\//);
    const etag = whole.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(whole.headers.get('cache-control')).toContain('immutable');
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect((await fetch(url, { headers: { 'if-none-match': etag } })).status).toBe(304);
    const part = await fetch(url, { headers: { range: 'bytes=0-9' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-9/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(0, 10))).toBe(true);
    expect((await fetch(url, { headers: { range: `bytes=${bytes.length + 5}-` } })).status).toBe(416);
    const download = await fetch(`${url}?download=1`);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="imagine-/);
  });
});
