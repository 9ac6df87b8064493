/**
 * Tokenizer for the WebAssembly text format as used by `.wast` scripts
 * (spec 6.2 "Lexical Format"). Works on the UTF-8 bytes of the file so that
 * string literals come out as the exact byte sequences they denote and token
 * positions are byte offsets (a module's source span is handed to wabt as
 * bytes).
 */

export type Token =
  | { kind: 'lparen'; start: number; end: number; line: number }
  | { kind: 'rparen'; start: number; end: number; line: number }
  /** keyword, identifier (`$x`), number, or any other run of idchars */
  | { kind: 'atom'; text: string; start: number; end: number; line: number }
  /** a string literal; `bytes` are the denoted bytes (escapes resolved) */
  | { kind: 'string'; bytes: Uint8Array; start: number; end: number; line: number };

export class WastSyntaxError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(`line ${line}: ${message}`);
    this.name = 'WastSyntaxError';
    this.line = line;
  }
}

/** spec 6.2.1 idchar */
function isIdChar(c: number): boolean {
  if (c >= 0x30 && c <= 0x39) return true; // 0-9
  if (c >= 0x41 && c <= 0x5a) return true; // A-Z
  if (c >= 0x61 && c <= 0x7a) return true; // a-z
  switch (c) {
    case 0x21: case 0x23: case 0x24: case 0x25: case 0x26: case 0x27: case 0x2a:
    case 0x2b: case 0x2d: case 0x2e: case 0x2f: case 0x3a: case 0x3c: case 0x3d:
    case 0x3e: case 0x3f: case 0x40: case 0x5c: case 0x5e: case 0x5f: case 0x60:
    case 0x7c: case 0x7e:
      return true;
    default:
      return false;
  }
}

/** Characters that may only occur in reserved tokens: , ; [ ] { } */
function isReservedChar(c: number): boolean {
  return c === 0x2c || c === 0x3b || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** Appends the UTF-8 encoding of code point `cp` to `out`. */
function pushUtf8(out: number[], cp: number): void {
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
}

/** Splits `src` into tokens, dropping white space and comments. */
export function tokenize(src: Uint8Array): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === 0x0a) { line++; i++; continue; }
    if (c === 0x20 || c === 0x09 || c === 0x0d) { i++; continue; }
    if (c === 0x3b && src[i + 1] === 0x3b) {
      // line comment ";;" up to the end of the line
      while (i < n && src[i] !== 0x0a) i++;
      continue;
    }
    if (c === 0x28 && src[i + 1] === 0x3b) {
      // block comment "(; ... ;)", nesting allowed
      const startLine = line;
      let depth = 1;
      i += 2;
      while (depth > 0) {
        if (i >= n) throw new WastSyntaxError('unterminated block comment', startLine);
        if (src[i] === 0x28 && src[i + 1] === 0x3b) { depth++; i += 2; }
        else if (src[i] === 0x3b && src[i + 1] === 0x29) { depth--; i += 2; }
        else { if (src[i] === 0x0a) line++; i++; }
      }
      continue;
    }
    if (c === 0x28) { tokens.push({ kind: 'lparen', start: i, end: i + 1, line }); i++; continue; }
    if (c === 0x29) { tokens.push({ kind: 'rparen', start: i, end: i + 1, line }); i++; continue; }
    if (c === 0x22) {
      const start = i;
      const startLine = line;
      const bytes: number[] = [];
      i++;
      for (;;) {
        if (i >= n) throw new WastSyntaxError('unterminated string', startLine);
        const d = src[i];
        if (d === 0x22) { i++; break; }
        if (d === 0x0a) throw new WastSyntaxError('newline in string', line);
        if (d !== 0x5c) { bytes.push(d); i++; continue; }
        const e = src[i + 1];
        switch (e) {
          case 0x74: bytes.push(0x09); i += 2; break; // \t
          case 0x6e: bytes.push(0x0a); i += 2; break; // \n
          case 0x72: bytes.push(0x0d); i += 2; break; // \r
          case 0x22: bytes.push(0x22); i += 2; break; // \"
          case 0x27: bytes.push(0x27); i += 2; break; // \'
          case 0x5c: bytes.push(0x5c); i += 2; break; // \\
          case 0x75: { // \u{hex}
            if (src[i + 2] !== 0x7b) throw new WastSyntaxError('malformed \\u escape', line);
            let j = i + 3;
            let cp = 0;
            let digits = 0;
            while (j < n && src[j] !== 0x7d) {
              if (src[j] === 0x5f && digits > 0) { j++; continue; }
              const h = hexValue(src[j]);
              if (h < 0) throw new WastSyntaxError('malformed \\u escape', line);
              cp = cp * 16 + h;
              if (cp > 0x10ffff) throw new WastSyntaxError('\\u escape out of range', line);
              digits++;
              j++;
            }
            if (digits === 0 || j >= n) throw new WastSyntaxError('malformed \\u escape', line);
            if (cp >= 0xd800 && cp < 0xe000) throw new WastSyntaxError('\\u escape is a surrogate', line);
            pushUtf8(bytes, cp);
            i = j + 1;
            break;
          }
          default: {
            const h1 = hexValue(e);
            const h2 = hexValue(src[i + 2]);
            if (h1 < 0 || h2 < 0) throw new WastSyntaxError('unknown escape in string', line);
            bytes.push(h1 * 16 + h2);
            i += 3;
          }
        }
      }
      tokens.push({ kind: 'string', bytes: Uint8Array.from(bytes), start, end: i, line: startLine });
      continue;
    }
    if (isIdChar(c) || isReservedChar(c)) {
      // keyword, id, number, or a reserved token (spec 6.2.2: such runs may also
      // contain , ; [ ] { } and appear in annotations); ";;" starts a comment
      const start = i;
      while (i < n && (isIdChar(src[i]) || (isReservedChar(src[i]) && !(src[i] === 0x3b && src[i + 1] === 0x3b)))) i++;
      // A string glued to an identifier (`$"name"`, newer text format) is part of the atom.
      if (i < n && src[i] === 0x22 && src[start] === 0x24 && i === start + 1) {
        i++;
        while (i < n && src[i] !== 0x22) { if (src[i] === 0x5c) i++; i++; }
        i++;
      }
      tokens.push({ kind: 'atom', text: latin1(src, start, i), start, end: i, line });
      continue;
    }
    throw new WastSyntaxError(`unexpected character 0x${c.toString(16)}`, line);
  }
  return tokens;
}

function latin1(src: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let k = start; k < end; k++) s += String.fromCharCode(src[k]);
  return s;
}
