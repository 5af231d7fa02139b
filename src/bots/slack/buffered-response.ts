type RawHeaders = Record<string, string | string[] | undefined>;

/**
 * The platform's `Response`, seen by TypeScript only as a constructor: its type declares the body methods and
 * getters as plain properties, which a subclass may not override. At run time the subclass below is a real
 * `Response`: status, statusText, ok, type and `instanceof` are the platform's own.
 */
const PlatformResponse: new (body: null, init: ResponseInit) => object = Response;

/**
 * A `Response` whose body undici's `request` has already read into memory. `new Response(bytes)` wraps the bytes
 * in a WHATWG stream (made transferable on Node 20) and copies the headers twice: about 50 µs a call on an idle
 * machine, 180 µs in a burst — a millisecond of the event loop per job, whose Web API calls only ever read the
 * status, a header or two and the text. This one reads its body straight from the bytes, and makes its stream and
 * headers only when asked for them.
 */
export class BufferedResponse extends PlatformResponse implements Response {
  declare readonly type: Response['type'];
  declare readonly status: number;
  declare readonly ok: boolean;
  declare readonly statusText: string;
  declare readonly redirected: boolean;
  /** Null for a status that has no body (204, 304…). */
  readonly #bytes: Uint8Array | null;
  readonly #rawHeaders: RawHeaders;
  readonly #url: string;
  #headers: Headers | undefined;
  #stream: ReadableStream<Uint8Array<ArrayBuffer>> | null | undefined;
  #used = false;

  constructor(bytes: Uint8Array | null, status: number, rawHeaders: RawHeaders, url: string) {
    super(null, { status });
    this.#bytes = bytes;
    this.#rawHeaders = rawHeaders;
    this.#url = url;
  }

  get url(): string {
    return this.#url;
  }

  get headers(): Headers {
    if (this.#headers === undefined) {
      const headers = new Headers();
      for (const [name, value] of Object.entries(this.#rawHeaders)) {
        if (value === undefined) continue;
        for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
      }
      this.#headers = headers;
    }
    return this.#headers;
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  /**
   * A stream over the bytes, made on first use (the Web API client never asks; another caller may). Handing it
   * out counts as using the body: the bytes are then the stream's to give.
   */
  get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    if (this.#bytes === null) return null;
    if (this.#stream === undefined) {
      if (this.#used) return null;
      this.#used = true;
      this.#stream = new Response(new Uint8Array(this.#bytes)).body;
    }
    return this.#stream;
  }

  #take(): Uint8Array {
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    return this.#bytes ?? new Uint8Array(0);
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return new Uint8Array(this.#take()).buffer;
  }

  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(this.#take());
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(this.#take());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async blob(): Promise<Blob> {
    return new Blob([await this.bytes()], { type: this.headers.get('content-type') ?? '' });
  }

  async formData(): Promise<FormData> {
    return new Response(await this.bytes(), { headers: this.headers }).formData();
  }

  clone(): Response {
    if (this.#used) throw new TypeError('Response.clone: Body has already been consumed.');
    return new BufferedResponse(this.#bytes, this.status, this.#rawHeaders, this.#url);
  }
}
