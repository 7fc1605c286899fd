/**
 * JSON with the comments v2ray's config reader allows (`//`, `#` to the end of the line, and block
 * comments) turned into plain JSON; strings are left alone. Line breaks stay, so JSON.parse's positions
 * still point at the right line.
 *
 * @example
 * ```ts
 * JSON.parse(stripJsonComments('{ "port": 443 // https\n}')); // { port: 443 }
 * ```
 */
export function stripJsonComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      const end = close === -1 ? text.length : close + 2;
      out += text.slice(i, end).replace(/[^\n]/g, ' ');
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

// The index just past the string literal that starts at `start`, escapes included.
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return Math.min(i + 1, text.length);
}
