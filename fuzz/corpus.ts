/**
 * Seed corpus for the decoding fuzzer: binaries of the modules in the
 * official test suite's top-level .wast files (read in place from
 * $WASM_TESTSUITE). Text modules are compiled with wabt; `(module binary ...)`
 * forms are decoded from their string literals. `module quote` forms are
 * skipped (they test the text format).
 */
import * as fs from 'fs';
import * as path from 'path';

export function testsuiteDir(): string {
  return process.env.WASM_TESTSUITE || '/work/shared/wasm-testsuite';
}

/** A top-level s-expression of a .wast script, as source text. */
export interface WastForm {
  head: string;
  text: string;
}

/** Splits a .wast script into its top-level forms (handles strings and both comment kinds). */
export function topLevelForms(src: string): WastForm[] {
  const forms: WastForm[] = [];
  let i = 0;
  let depth = 0;
  let start = -1;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === ';' && src[i + 1] === ';') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    if (c === '(' && src[i + 1] === ';') {
      let nest = 1;
      i += 2;
      while (i < n && nest > 0) {
        if (src[i] === '(' && src[i + 1] === ';') { nest++; i += 2; }
        else if (src[i] === ';' && src[i + 1] === ')') { nest--; i += 2; }
        else i++;
      }
      continue;
    }
    if (c === '"') {
      i++;
      while (i < n && src[i] !== '"') i += src[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (c === '(') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === ')') {
      depth--;
      if (depth === 0 && start >= 0) {
        const text = src.slice(start, i + 1);
        const m = /^\(\s*([\w_]+)/.exec(text);
        forms.push({ head: m ? m[1] : '', text });
        start = -1;
      }
    }
    i++;
  }
  return forms;
}

/** Decodes the bytes of wast string literals ("..." with \hh, \n, \t, \\, \', \", \u{...}). */
export function wastStringBytes(lits: string): number[] {
  const out: number[] = [];
  const re = /"((?:[^"\\]|\\.)*)"/gs;
  let m: RegExpExecArray | null;
  while ((m = re.exec(lits))) {
    const s = m[1];
    for (let i = 0; i < s.length; i++) {
      const c = s[i];
      if (c !== '\\') {
        for (const b of Buffer.from(c, 'utf8')) out.push(b);
        continue;
      }
      const d = s[++i];
      if (/[0-9a-fA-F]/.test(d) && /[0-9a-fA-F]/.test(s[i + 1] ?? '')) {
        out.push(parseInt(s.slice(i, i + 2), 16));
        i++;
      } else if (d === 'n') out.push(10);
      else if (d === 't') out.push(9);
      else if (d === 'r') out.push(13);
      else if (d === 'u') {
        const close = s.indexOf('}', i);
        const cp = parseInt(s.slice(i + 2, close), 16);
        for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) out.push(b);
        i = close;
      } else for (const b of Buffer.from(d, 'utf8')) out.push(b);
    }
  }
  return out;
}

export interface CorpusEntry {
  file: string;
  index: number;
  bytes: Uint8Array<ArrayBuffer>;
}

type Wabt = { parseWat(name: string, text: Uint8Array, features: Record<string, boolean>): { toBinary(o: object): { buffer: Uint8Array }; destroy(): void } };
let wabtPromise: Promise<Wabt> | null = null;
export function loadWabt(): Promise<Wabt> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  wabtPromise ??= (require('wabt') as () => Promise<Wabt>)();
  return wabtPromise;
}

/**
 * Binaries of the module definitions in the given top-level .wast files
 * (all of them when `files` is undefined). Includes modules from
 * `assert_invalid`/`assert_malformed` etc. (binary or text that wabt parses),
 * which make good seeds for the rejecting paths.
 */
export async function loadCorpus(files?: string[]): Promise<CorpusEntry[]> {
  const wabt = await loadWabt();
  const dir = testsuiteDir();
  const names = files ?? fs.readdirSync(dir).filter(f => f.endsWith('.wast')).sort();
  const out: CorpusEntry[] = [];
  for (const file of names) {
    const src = fs.readFileSync(path.join(dir, file), 'utf8');
    let index = 0;
    const visit = (text: string): void => {
      const inner = topLevelForms(text.replace(/^\(\s*[\w_]+/, '').replace(/\)$/, ''));
      for (const f of inner) if (f.head === 'module') addModule(f.text);
    };
    const addModule = (text: string): void => {
      const body = text.replace(/^\(\s*module(\s+\$[^\s()]+)?/, '').trimStart();
      let bytes: Uint8Array | null = null;
      if (body.startsWith('binary')) {
        bytes = Uint8Array.from(wastStringBytes(body.slice(6)));
      } else if (body.startsWith('quote') || body.startsWith('definition') || body.startsWith('instance')) {
        return;
      } else {
        try {
          const mod = wabt.parseWat(`${file}.wat`, new Uint8Array(Buffer.from(text, 'utf8')), {});
          bytes = Uint8Array.from(mod.toBinary({}).buffer);
          mod.destroy();
        } catch {
          return;
        }
      }
      out.push({ file, index: index++, bytes: Uint8Array.from(bytes) });
    };
    for (const form of topLevelForms(src)) {
      if (form.head === 'module') addModule(form.text);
      else if (form.head.startsWith('assert_')) visit(form.text);
    }
  }
  return out;
}
