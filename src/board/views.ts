import type { BoardEntry, BoardFilter, BoardIndex } from '../core/board/board-index.js';
import { html, type SafeHtml } from './html.js';
import { card, filterForm, imageLink, type PageFrame, page, starButton } from './pages.js';

export interface ViewContext {
  board: BoardIndex;
  channelId: string;
  frame: Omit<PageFrame, 'title'>;
  /** The request's path and query, where a star sends the reader back to. */
  back: string;
}

async function starredSet(board: BoardIndex, entries: readonly BoardEntry[]): Promise<Set<string>> {
  const marks = await Promise.all(entries.map((entry) => board.favourites(entry.jobId)));
  return new Set(marks.flat().map((mark) => `${mark.jobId}:${mark.image}`));
}

function cards(
  root: string,
  entries: readonly BoardEntry[],
  starred: Set<string>,
  back: string,
  pick: boolean,
) {
  return entries.flatMap((entry) =>
    entry.images.map((_, index) =>
      card(root, entry, index + 1, { starred: starred.has(`${entry.jobId}:${index + 1}`), pick, back }),
    ),
  );
}

export async function gridView(
  view: ViewContext,
  filter: BoardFilter,
  cursor: string | undefined,
): Promise<string> {
  const [result, facets] = await Promise.all([
    view.board.list(view.channelId, filter, cursor === undefined ? {} : { cursor }),
    view.board.facets(view.channelId),
  ]);
  const starred = await starredSet(view.board, result.entries);
  const query = new URLSearchParams();
  if (filter.model) query.set('model', filter.model);
  if (filter.person) query.set('person', filter.person);
  if (filter.text) query.set('q', filter.text);
  if (filter.favouritesOnly) query.set('fav', '1');
  if (result.nextCursor !== undefined) query.set('cursor', result.nextCursor);
  const body = html`${filterForm(filter, facets)}
<form method="get" action="compare" id="picks">
<main class="grid">${result.entries.length === 0 ? html`<p class="note">No images here yet${filter.favouritesOnly || filter.model || filter.person || filter.text ? ' that match' : ''}.</p>` : cards('', result.entries, starred, view.back, true)}</main>
<div class="bar"><button type="submit" id="compare-button">Compare selected</button><span class="note">Pick 2–4 images to see them side by side.</span></div>
</form>
${result.nextCursor !== undefined ? html`<nav><a class="button" href="?${query.toString()}" rel="next">Older images →</a></nav>` : ''}`;
  return page({ ...view.frame, title: 'All images' }, '', body);
}

async function ancestry(board: BoardIndex, entry: BoardEntry, channelId: string): Promise<BoardEntry[]> {
  const chain: BoardEntry[] = [];
  let current = entry;
  while (current.parentId !== undefined && chain.length < 20) {
    const parent = await board.get(current.parentId);
    if (!parent || parent.channelId !== channelId) break;
    chain.unshift(parent);
    current = parent;
  }
  return chain;
}

function section(title: string, className: string, content: SafeHtml | SafeHtml[] | string): SafeHtml {
  return html`<section class="${className}"><h2>${title}</h2><div class="strip">${content}</div></section>`;
}

export async function treeView(view: ViewContext, entry: BoardEntry, image: number): Promise<string> {
  const root = '../';
  const [chain, children, marks] = await Promise.all([
    ancestry(view.board, entry, view.channelId),
    view.board.children(entry.jobId),
    view.board.favourites(entry.jobId),
  ]);
  const everyone = [entry, ...chain, ...children];
  const starred = await starredSet(view.board, everyone);
  const parent = chain.at(-1);
  // Which image of each ancestor its descendant in the chain was made from.
  const madeFrom = new Map<string, number>();
  for (const [index, ancestor] of chain.entries()) {
    const child = chain[index + 1] ?? entry;
    madeFrom.set(ancestor.jobId, child.parentImage ?? 1);
  }
  const pickOf = (of: BoardEntry) => madeFrom.get(of.jobId) ?? 1;
  const siblings = entry.images.map((_, index) => index + 1).filter((number) => number !== image);
  const isStarred = marks.some((mark) => mark.image === image);
  const body = html`<main class="page tree"><form method="post">
<section class="focus"><h2>This image</h2>
<a href="${imageLink(root, entry, image, 'image')}"><img src="${imageLink(root, entry, image, 'image')}" alt="${entry.prompt}"></a>
<p class="prompt">${entry.prompt}</p>
<p class="meta">${entry.kind} · ${entry.model} · ${entry.requester.name ?? entry.requester.id} · ${new Date(entry.createdAt).toISOString().slice(0, 16).replace('T', ' ')} UTC · expires ${new Date(entry.expiresAt).toISOString().slice(0, 10)}</p>
<div class="row"><code>${entry.command}</code><button type="button" data-copy="${entry.command}">Copy prompt with flags</button>
${starButton(root, entry, image, isStarred, view.back)}
<a class="button" href="${imageLink(root, entry, image, 'image')}?download=1">Download original</a>
${entry.messageUrl ? html`<a class="button" href="${entry.messageUrl}" rel="noopener noreferrer" target="_blank">Open the message</a>` : ''}</div></section>
${
  chain.length > 0
    ? section(
        'Came from',
        'ancestry',
        chain.map((ancestor) =>
          card(root, ancestor, pickOf(ancestor), {
            starred: starred.has(`${ancestor.jobId}:${pickOf(ancestor)}`),
            pick: false,
            back: view.back,
          }),
        ),
      )
    : ''
}
${parent ? html`<p class="note">Parent: <a href="${root}job/${encodeURIComponent(parent.jobId)}?image=${pickOf(parent)}" class="parent-link">${parent.prompt}</a></p>` : ''}
${
  siblings.length > 0
    ? section(
        'The other images of this request',
        'siblings',
        siblings.map((number) =>
          card(root, entry, number, {
            starred: starred.has(`${entry.jobId}:${number}`),
            pick: false,
            back: view.back,
          }),
        ),
      )
    : ''
}
${section('What came of it', 'children', children.length > 0 ? children.flatMap((child) => child.images.map((_, index) => card(root, child, index + 1, { starred: starred.has(`${child.jobId}:${index + 1}`), pick: false, back: view.back }))) : html`<p class="note">Nothing yet: edits, variations, upscales, zooms and re-rolls of this image show here.</p>`)}
</form></main>`;
  return page({ ...view.frame, title: entry.prompt.slice(0, 60) }, root, body);
}

export async function compareView(
  view: ViewContext,
  picks: { entry: BoardEntry; image: number }[],
): Promise<string> {
  const body =
    picks.length < 2 || picks.length > 4
      ? html`<main class="page"><p>Pick 2 to 4 images on the board to compare them (you picked ${picks.length}).</p><a class="button" href="./">Back to the board</a></main>`
      : html`<main class="compare">${picks.map(
          ({
            entry,
            image,
          }) => html`<article class="card compared" data-job="${entry.jobId}" data-image="${image}">
<a href="${imageLink('', entry, image, 'image')}"><img src="${imageLink('', entry, image, 'image')}" alt="${entry.prompt}"></a>
<div class="body"><p class="prompt">${entry.prompt}</p><table>${Object.entries(entry.options).map(
            ([name, value]) => html`<tr><td>${name}</td><td>${value}</td></tr>`,
          )}<tr><td>by</td><td>${entry.requester.name ?? entry.requester.id}</td></tr></table>
<div class="row"><button type="button" data-copy="${entry.command}">Copy prompt with flags</button><a class="button" href="job/${encodeURIComponent(entry.jobId)}?image=${image}">Family tree</a></div></div></article>`,
        )}</main>`;
  return page({ ...view.frame, title: 'Compare' }, '', body);
}
