/**
 * An input image as it goes on the wire, the JSON string `"data:<type>;base64,<…>"`, without ever being built
 * whole: the client streams the base64 in chunks (json-request-body.ts). A 30 MB image would otherwise become a
 * 40 MB string, plus the JSON text around it, plus its UTF-8 copy.
 */
export class DataUri {
  readonly mediaType: string;
  readonly bytes: Uint8Array;

  constructor(mediaType: string, bytes: Uint8Array) {
    this.mediaType = mediaType;
    this.bytes = bytes;
  }

  /** The JSON text up to the base64, opening quote included: `"data:image/png;base64,`. */
  jsonPrefix(): string {
    return JSON.stringify(`data:${this.mediaType};base64,`).slice(0, -1);
  }

  /** Bytes of the whole JSON string, both quotes included. */
  jsonByteLength(): number {
    return Buffer.byteLength(this.jsonPrefix()) + 4 * Math.ceil(this.bytes.byteLength / 3) + 1;
  }

  /** The whole string, for JSON.stringify in tests and tools; the client never calls it. */
  toJSON(): string {
    const bytes = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    return `data:${this.mediaType};base64,${bytes.toString('base64')}`;
  }
}
