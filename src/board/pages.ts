import type { BoardEntry, BoardFilter } from '../core/board/board-index.js';
import { html, type SafeHtml } from './html.js';

export interface PageFrame {
  title: string;
  channelLabel: string;
  linkExpiresAt: number;
}

const day = (at: number) => new Date(at).toISOString().slice(0, 10);
const minute = (at: number) => new Date(at).toISOString().slice(0, 16).replace('T', ' ');
const who = (entry: BoardEntry) => entry.requester.name ?? entry.requester.id;

/** Pages live at `<access>/…`; `root` is the relative way back to `<access>/` from the page. */
export function page(frame: PageFrame, root: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${frame.title}</title><link rel="icon" href="${root}assets/icon.svg" type="image/svg+xml"><link rel="stylesheet" href="${root}assets/board.css">
<script src="${root}assets/board.js" defer></script></head>
<body><header><h1><a href="${root}" class="home">Team board</a> · ${frame.title}</h1>
<p class="note">${frame.channelLabel} · this link works until ${minute(frame.linkExpiresAt)} UTC</p></header>
${body}</body></html>`.text;
}

export function imageLink(root: string, entry: BoardEntry, image: number, kind: 'thumb' | 'image'): string {
  return `${root}${kind}/${encodeURIComponent(entry.jobId)}/${image}`;
}

export function starButton(
  root: string,
  entry: BoardEntry,
  image: number,
  starred: boolean,
  back: string,
): SafeHtml {
  const value = `${entry.jobId}:${image}:${starred ? 'off' : 'on'}`;
  return html`<button class="star" formaction="${root}star?back=${encodeURIComponent(back)}" formmethod="post" name="star" value="${value}" title="${starred ? 'Remove from favourites' : 'Mark as favourite'}" aria-pressed="${starred ? 'true' : 'false'}">${starred ? '★' : '☆'}</button>`;
}

/** One image of a result: thumbnail, prompt, kind, model, who, when, expiry, pick box and star. */
export function card(
  root: string,
  entry: BoardEntry,
  image: number,
  options: { starred: boolean; pick: boolean; back: string },
): SafeHtml {
  const count = entry.images.length;
  return html`<article class="card" data-job="${entry.jobId}" data-image="${image}">
<a href="${root}job/${encodeURIComponent(entry.jobId)}?image=${image}"><img src="${imageLink(root, entry, image, 'thumb')}" alt="${entry.prompt}" loading="lazy"></a>
<div class="body"><p class="prompt">${entry.prompt}</p>
<p class="meta"><span class="kind">${entry.kind}</span>${count > 1 ? ` · image ${image} of ${count}` : ''} · <span class="model">${entry.model}</span> · <span class="who">${who(entry)}</span> · <time datetime="${new Date(entry.createdAt).toISOString()}">${minute(entry.createdAt)}</time></p>
<p class="meta">expires ${day(entry.expiresAt)}</p>
<div class="row">${options.pick ? html`<label><input type="checkbox" name="pick" value="${entry.jobId}:${image}"> pick</label>` : ''}${starButton(root, entry, image, options.starred, options.back)}</div></div></article>`;
}

export function filterForm(
  filter: BoardFilter,
  facets: { models: string[]; people: { id: string; name?: string }[] },
): SafeHtml {
  return html`<form method="get" class="filters" action="">
<select name="model" aria-label="Model"><option value="">All models</option>${facets.models.map(
    (model) =>
      html`<option value="${model}"${filter.model === model ? html` selected` : ''}>${model}</option>`,
  )}</select>
<select name="person" aria-label="Person"><option value="">Everyone</option>${facets.people.map(
    (person) =>
      html`<option value="${person.id}"${filter.person === person.id ? html` selected` : ''}>${person.name ?? person.id}</option>`,
  )}</select>
<input type="text" name="q" value="${filter.text ?? ''}" placeholder="Words in the prompt" aria-label="Prompt text">
<label><input type="checkbox" name="fav" value="1"${filter.favouritesOnly ? html` checked` : ''}> favourites only</label>
<button type="submit">Filter</button></form>`;
}

export function forbiddenPage(): string {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Link not valid</title></head>
<body><h1>This board link is not valid</h1><p>It has expired or was changed. Ask the bot for a new one: <code>/imagine board</code> in Slack, <code>/board</code> in Discord.</p></body></html>`
    .text;
}
