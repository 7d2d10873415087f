/**
 * Just enough MIME to read back what the service sent: headers (unfolded, encoded words decoded) and the
 * text and HTML parts of a multipart message, with their transfer encodings undone.
 */
export interface ParsedMail {
  headers: Map<string, string>;
  text: string | undefined;
  html: string | undefined;
}

interface Part {
  headers: Map<string, string>;
  body: string;
}

function decodeQuotedPrintableBytes(text: string): Buffer {
  const bytes: number[] = [];
  const source = Buffer.from(text.replace(/=\r?\n/g, ''), 'latin1');
  for (let i = 0; i < source.length; i++) {
    const hex = source.subarray(i + 1, i + 3).toString('latin1');
    if (source[i] === 0x3d && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(source[i] as number);
    }
  }
  return Buffer.from(bytes);
}

/** RFC 2047 words such as `=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=`, which nodemailer uses for non-ASCII headers. */
function decodeEncodedWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_, _charset: string, encoding: string, data: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintableBytes(data.replace(/_/g, ' ')).toString('utf8'),
    );
}

function splitPart(raw: string): Part {
  const end = raw.indexOf('\r\n\r\n');
  const head = end === -1 ? raw : raw.slice(0, end);
  const body = end === -1 ? '' : raw.slice(end + 4);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers.set(
        line.slice(0, colon).trim().toLowerCase(),
        decodeEncodedWords(line.slice(colon + 1).trim()),
      );
  }
  return { headers, body };
}

function decodeBody(part: Part): string {
  const encoding = part.headers.get('content-transfer-encoding')?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(part.body, 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQuotedPrintableBytes(part.body).toString('utf8');
  return part.body;
}

function leaves(part: Part): Part[] {
  const contentType = part.headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!contentType.toLowerCase().startsWith('multipart/') || !boundary) return [part];
  const [, ...sections] = part.body.split(`--${boundary}`);
  return sections
    .filter((section) => !section.startsWith('--'))
    .flatMap((section) => leaves(splitPart(section.replace(/^\r\n/, ''))));
}

export function parseMail(raw: string): ParsedMail {
  const top = splitPart(raw);
  const parts = leaves(top);
  const body = (type: string) => {
    const part = parts.find((leaf) => (leaf.headers.get('content-type') ?? 'text/plain').startsWith(type));
    return part && decodeBody(part).replace(/\r\n/g, '\n');
  };
  return { headers: top.headers, text: body('text/plain'), html: body('text/html') };
}
