/** One part of a multipart/form-data body: a view into the body, not a copy. */
export interface MultipartPart {
  name: string;
  filename?: string;
  bytes: Buffer;
}

const crlf = '\r\n';

/**
 * Splits a multipart/form-data body at its boundary with Buffer searches (native, no copy), for benches whose
 * uploads are tens of MB: a form parse of one 45 MB upload takes ≈ 150 ms of CPU on the cores the measured bot
 * needs. Throws on a body that does not follow RFC 7578's framing.
 */
export function multipartParts(raw: Buffer, contentType: string): MultipartPart[] {
  const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const token = boundary?.[1] ?? boundary?.[2];
  if (!/^multipart\/form-data\b/i.test(contentType) || token === undefined)
    throw new Error(`not a multipart/form-data content type with a boundary: ${contentType}`);
  const delimiter = `--${token}`;
  if (raw.indexOf(delimiter) !== 0) throw new Error('the body does not start with its boundary');
  const parts: MultipartPart[] = [];
  let at = delimiter.length;
  for (;;) {
    const after = raw.toString('latin1', at, at + 2);
    if (after === '--') return parts;
    if (after !== crlf) throw new Error('a boundary is not followed by CRLF or --');
    const headersEnd = raw.indexOf(`${crlf}${crlf}`, at + 2);
    if (headersEnd < 0) throw new Error('a part has no end of headers');
    const headers = raw.toString('utf8', at + 2, headersEnd);
    const disposition = /^content-disposition:\s*form-data\s*;(.*)$/im.exec(headers)?.[1];
    const name = disposition && /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined || name === '') throw new Error('a part has no form-data name');
    const filename = /\bfilename="([^"]*)"/i.exec(disposition ?? '')?.[1];
    const end = raw.indexOf(`${crlf}${delimiter}`, headersEnd + 4);
    if (end < 0) throw new Error('a part is not closed by the boundary');
    parts.push({
      name,
      ...(filename !== undefined && { filename }),
      bytes: raw.subarray(headersEnd + 4, end),
    });
    at = end + crlf.length + delimiter.length;
  }
}
