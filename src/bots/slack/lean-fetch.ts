import { request } from 'undici';
import { BufferedResponse } from './buffered-response.js';

/** Statuses whose Response must have no body. */
const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);

type HeadersInput = ConstructorParameters<typeof Headers>[0];

/**
 * The request's headers as undici takes them, names lower-cased and repeated names joined as `Headers` would.
 * The Web API client passes a plain object; building a `Headers` from it only to read it back cost ≈ 65 µs a call
 * in a burst.
 */
function headerRecord(headers: HeadersInput): Record<string, string> {
  const record: Record<string, string> = {};
  // A Headers instance and a list of pairs are iterable; only a plain object is not.
  const entries =
    headers === undefined
      ? []
      : Symbol.iterator in headers
        ? new Headers(headers).entries()
        : Object.entries(headers);
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    const trimmed = String(value).trim();
    record[lower] = record[lower] === undefined ? trimmed : `${record[lower]}, ${trimmed}`;
  }
  return record;
}

/**
 * `fetch` for the Slack Web API client and Bolt's `respond`, on undici's `request`. Node's global fetch costs
 * about a millisecond of event-loop time per call (Request and Headers objects, an AbortSignal made
 * transferable, WHATWG streams both ways); a job makes four such calls (message, upload URL, complete, the
 * response_url), and in a burst that time sits between upstream answers and the next jobs' calls. Text bodies
 * (all the Web API's methods and `respond` send form-encoded or JSON text) go through `request`; anything else
 * (a FormData upload) is left to the global fetch. The answer is read whole, as the clients do anyway, and handed
 * back as a `BufferedResponse`. Redirects are not followed (the Web API client asks for
 * `redirect: 'error'`; a 3xx comes back as it is and the client reports its status).
 */
export const leanFetch: typeof fetch = async (input, init) => {
  const body = init?.body ?? undefined;
  if (input instanceof Request || (body !== undefined && typeof body !== 'string')) {
    return fetch(input, init);
  }
  const url = input instanceof URL ? input.href : input;
  const answer = await request(url, {
    method: (init?.method ?? 'GET').toUpperCase() as 'GET',
    headers: headerRecord(init?.headers),
    ...(body !== undefined && { body }),
    ...(init?.signal && { signal: init.signal }),
  });
  const bytes = new Uint8Array(await answer.body.arrayBuffer());
  const status = answer.statusCode;
  return new BufferedResponse(nullBodyStatuses.has(status) ? null : bytes, status, answer.headers, url);
};
