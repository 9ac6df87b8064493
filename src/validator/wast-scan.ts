/**
 * A small scanner for `.wast` scripts (test helper): finds the balanced
 * top-level S-expressions and, for `module` and `assert_invalid` forms, the
 * module text. Skips line and (nested) block comments and string contents.
 */

export interface WastModule {
  /** 'text': a WAT module; 'binary': `(module binary "...")`; 'quote': `(module quote ...)`. */
  kind: 'text' | 'binary' | 'quote';
  /** The whole `(module ...)` form. */
  text: string;
  /** 1-based line of the form in the script. */
  line: number;
}

export interface WastCommand {
  /** The head keyword: 'module', 'assert_invalid', 'assert_return', ... */
  head: string;
  text: string;
  line: number;
  /** The command's module (the form itself for `module`, the first sub-form for assertions), if any. */
  module: WastModule | null;
}

/** Index just past the balanced form that opens at `src[start] === '('`. */
export function formEnd(src: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < src.length) {
    const ch = src[i];
    if (ch === '"') {
      i++;
      while (i < src.length && src[i] !== '"') i += src[i] === '\\' ? 2 : 1;
      i++;
    } else if (ch === ';' && src[i + 1] === ';') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (ch === '(' && src[i + 1] === ';') {
      i = blockCommentEnd(src, i);
    } else if (ch === '(') {
      depth++;
      i++;
    } else if (ch === ')') {
      depth--;
      i++;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  throw new Error(`unbalanced form at offset ${start}`);
}

function blockCommentEnd(src: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < src.length) {
    if (src[i] === '(' && src[i + 1] === ';') { depth++; i += 2; }
    else if (src[i] === ';' && src[i + 1] === ')') { depth--; i += 2; if (depth === 0) return i; }
    else i++;
  }
  throw new Error(`unterminated block comment at offset ${start}`);
}

/** The balanced forms directly inside `src` from `from` to `to`, as [start, end) pairs. */
function childForms(src: string, from: number, to: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let i = from;
  while (i < to) {
    const ch = src[i];
    if (ch === ';' && src[i + 1] === ';') {
      while (i < to && src[i] !== '\n') i++;
    } else if (ch === '(' && src[i + 1] === ';') {
      i = blockCommentEnd(src, i);
    } else if (ch === '"') {
      i++;
      while (i < to && src[i] !== '"') i += src[i] === '\\' ? 2 : 1;
      i++;
    } else if (ch === '(') {
      const end = formEnd(src, i);
      out.push([i, end]);
      i = end;
    } else {
      i++;
    }
  }
  return out;
}

function headOf(form: string): string {
  const m = /^\(\s*([^\s()]+)/.exec(form);
  return m ? m[1] : '';
}

function moduleOf(form: string, line: number): WastModule {
  const m = /^\(\s*module(?:\s+\$[^\s()]+)?\s+(binary|quote)\b/.exec(form);
  return { kind: m ? (m[1] as 'binary' | 'quote') : 'text', text: form, line };
}

/** All top-level commands of a script. */
export function scanWast(src: string): WastCommand[] {
  const out: WastCommand[] = [];
  let line = 1;
  let lineAt = 0;
  const lineOf = (pos: number): number => {
    for (; lineAt < pos; lineAt++) if (src.charCodeAt(lineAt) === 10) line++;
    return line;
  };
  for (const [s, e] of childForms(src, 0, src.length)) {
    const text = src.slice(s, e);
    const head = headOf(text);
    const ln = lineOf(s);
    let module: WastModule | null = null;
    if (head === 'module') {
      module = moduleOf(text, ln);
    } else {
      const inner = childForms(src, s + 1, e - 1)[0];
      if (inner) {
        const it = src.slice(inner[0], inner[1]);
        if (headOf(it) === 'module') module = moduleOf(it, ln);
      }
    }
    out.push({ head, text, line: ln, module });
  }
  return out;
}

/** The bytes of `(module binary "..." ...)`: its strings concatenated, escapes decoded (comments skipped). */
export function binaryModuleBytes(form: string): Uint8Array {
  const bytes: number[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|;;[^\n]*|\(;[\s\S]*?;\)/g;
  for (let m = re.exec(form); m; m = re.exec(form)) {
    if (m[1] === undefined) continue; // a comment
    const s = m[1];
    for (let i = 0; i < s.length; i++) {
      const ch = s[i];
      if (ch !== '\\') {
        for (const b of Buffer.from(ch, 'utf8')) bytes.push(b);
        continue;
      }
      const nx = s[++i];
      if (/[0-9a-fA-F]/.test(nx) && /[0-9a-fA-F]/.test(s[i + 1] ?? '')) {
        bytes.push(parseInt(s.slice(i, i + 2), 16));
        i++;
      } else if (nx === 'n') bytes.push(10);
      else if (nx === 't') bytes.push(9);
      else if (nx === 'r') bytes.push(13);
      else if (nx === 'u') {
        const close = s.indexOf('}', i);
        const cp = parseInt(s.slice(i + 2, close), 16);
        for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) bytes.push(b);
        i = close;
      } else bytes.push(nx.charCodeAt(0));
    }
  }
  return new Uint8Array(bytes);
}

/**
 * Whether a module's text uses f32/f64/v128 (types or instructions, also
 * inside names such as `i32.trunc_f32_s`), ignoring string contents and
 * `$identifiers`. For `module binary` forms this reads the comments.
 */
export function usesFloatsOrSimd(text: string): boolean {
  const stripped = text.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\$[^\s()]+/g, '$');
  return /(f32|f64|v128|[if](?:8|16|32|64)x\d)/.test(stripped);
}
