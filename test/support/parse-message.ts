/**
 * Just enough of RFC 5322 / MIME to read back what nodemailer writes: unfolded headers with
 * RFC 2047 words decoded, nested multiparts, quoted-printable and base64 bodies.
 */
export interface ParsedMessage {
  raw: string;
  header(name: string): string | undefined;
  text?: string;
  html?: string;
}

export function parseMessage(raw: string): ParsedMessage {
  const { headers, body } = splitEntity(raw);
  const parts: { text?: string; html?: string } = {};
  collectParts(headers, body, parts);
  return { raw, header: (name) => headers.get(name.toLowerCase()), ...parts };
}

function splitEntity(entity: string): { headers: Map<string, string>; body: string } {
  const end = entity.search(/\r?\n\r?\n/);
  if (end < 0) throw new Error('no blank line between the header and the body');
  const head = entity.slice(0, end).replace(/\r?\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`malformed header line: ${line}`);
    headers.set(line.slice(0, colon).trim().toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  return { headers, body: entity.slice(end).replace(/^\r?\n\r?\n/, '') };
}

function collectParts(headers: Map<string, string>, body: string, into: { text?: string; html?: string }): void {
  const contentType = headers.get('content-type') ?? 'text/plain';
  const type = contentType.split(';')[0].trim().toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
    if (!boundary) throw new Error('multipart without boundary');
    const sections = body.split(`--${boundary}`);
    for (const section of sections.slice(1)) {
      if (section.startsWith('--')) break;
      const part = splitEntity(section.replace(/^\r?\n/, ''));
      collectParts(part.headers, part.body, into);
    }
    return;
  }
  const charset = /charset="?([^";]+)"?/i.exec(contentType)?.[1] ?? 'utf-8';
  const content = decodeBody(body, headers.get('content-transfer-encoding') ?? '7bit', charset);
  // Line breaks travel as CRLF; a reader shows them as line breaks, like the LF the sender wrote.
  if (type === 'text/plain') into.text = content.replace(/\r\n/g, '\n');
  if (type === 'text/html') into.html = content.replace(/\r\n/g, '\n');
}

function decodeBody(body: string, encoding: string, charset: string): string {
  switch (encoding.toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString(charset as BufferEncoding);
    case 'quoted-printable':
      return decodeQuotedPrintable(body.replace(/=\r?\n/g, ''), charset).replace(/\r?\n$/, '');
    default:
      return body.replace(/\r?\n$/, '');
  }
}

function decodeQuotedPrintable(text: string, charset: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString(charset.toLowerCase() === 'utf-8' ? 'utf8' : (charset as BufferEncoding));
}

function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, charset: string, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' '), charset),
    );
}
