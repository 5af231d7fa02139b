import { request } from 'undici';

/** Statuses whose Response must have no body. */
const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);

function headerRecord(headers: ConstructorParameters<typeof Headers>[0]): Record<string, string> {
  const record: Record<string, string> = {};
  new Headers(headers).forEach((value, name) => {
    record[name] = value;
  });
  return record;
}

function responseHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}

/**
 * `fetch` for the Slack Web API client and Bolt's `respond`, on undici's `request`. Node's global fetch costs
 * about a millisecond of event-loop time per call (Request and Headers objects, an AbortSignal made
 * transferable, WHATWG streams both ways); a job makes four such calls (message, upload URL, complete, the
 * response_url), and in a burst that time sits between upstream answers and the next jobs' calls. Text bodies
 * (all the Web API's methods and `respond` send form-encoded or JSON text) go through `request`; anything else
 * (a FormData upload) is left to the global fetch. Redirects are not followed (the Web API client asks for
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
  const bytes = await answer.body.arrayBuffer();
  const status = answer.statusCode;
  return new Response(nullBodyStatuses.has(status) ? null : bytes, {
    status,
    headers: responseHeaders(answer.headers),
  });
};
