import { describe, expect, it } from 'vitest';
import { multipartParts } from './multipart-parts.js';

/** A body as a real client writes it: undici's own FormData serialisation. */
async function formBody(form: FormData): Promise<{ raw: Buffer; contentType: string }> {
  const request = new Request('http://127.0.0.1/', { method: 'POST', body: form });
  return {
    raw: Buffer.from(await request.arrayBuffer()),
    contentType: request.headers.get('content-type') ?? '',
  };
}

describe('splitting a multipart/form-data body at its boundary', () => {
  it('finds text fields and files, with their names, file names and exact bytes', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x2d, 0x2d, 13, 10]);
    const form = new FormData();
    form.set('channel', 'C0001');
    form.set('body', new Blob([png], { type: 'image/png' }), 'out.png');
    form.set('second', new Blob([Buffer.from('\r\n--not-the-boundary')]), 'b.bin');
    const { raw, contentType } = await formBody(form);
    const parts = multipartParts(raw, contentType);
    expect(parts.map(({ name, filename }) => ({ name, filename }))).toEqual([
      { name: 'channel', filename: undefined },
      { name: 'body', filename: 'out.png' },
      { name: 'second', filename: 'b.bin' },
    ]);
    expect(parts[0]?.bytes.toString()).toBe('C0001');
    expect(parts[1]?.bytes.equals(png)).toBe(true);
    expect(parts[2]?.bytes.toString()).toBe('\r\n--not-the-boundary');
  });

  it('refuses a body without a boundary, cut short, or with a part without a name', async () => {
    const form = new FormData();
    form.set('body', new Blob([Buffer.from('bytes')]), 'a.png');
    const { raw, contentType } = await formBody(form);
    expect(() => multipartParts(raw, 'multipart/form-data')).toThrow(/boundary/);
    expect(() => multipartParts(raw.subarray(0, raw.length - 20), contentType)).toThrow(/not closed/);
    const boundary = /boundary=(.+)$/.exec(contentType)?.[1] ?? '';
    const nameless = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; filename="a.png"\r\n\r\nx\r\n--${boundary}--\r\n`,
    );
    expect(() => multipartParts(nameless, contentType)).toThrow(/no form-data name/);
  });
});
