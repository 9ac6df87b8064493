/**
 * Text modules → binary with wasm-tools' text parser, as shipped in the npm
 * package `@bytecodealliance/jco-transpile` (a devDependency, loaded lazily).
 * It reads the whole WebAssembly 3.0 text format (typed references,
 * exceptions, memory64, ...), which wabt 1.0.39 cannot, and does not
 * validate, so `assert_invalid` text modules still encode. The package is
 * ESM; its vendored `wasm-tools.js` is imported by path (the package's
 * exports map hides it) for its synchronous `tools.parse`.
 */
import { resolve, dirname } from 'node:path';
import { TextConversionError, ensureDataCount, usesDataSegmentInstructions } from './wat2wasm.js';
import { tokenize } from './lexer.js';

interface WasmToolsModule {
  $init: Promise<void>;
  tools: { parse(text: string): Uint8Array };
}

/** Converts the UTF-8 text of a `(module ...)` form to a binary. */
export type TextConverter = (text: Uint8Array, name: string) => Uint8Array;

let loading: Promise<TextConverter> | undefined;

/** Dynamic `import()` that the CommonJS build keeps as an ES module import. */
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

/** Loads wasm-tools' parser once; rejects with a clear message when the package is missing. */
export function loadWasmTools(): Promise<TextConverter> {
  loading ??= (async () => {
    let pkg: string;
    try {
      pkg = dirname(dirname(require.resolve('@bytecodealliance/jco-transpile'))); // .../dist/index.js
    } catch (e) {
      throw new Error(`converting 3.0 text modules needs the "@bytecodealliance/jco-transpile" package (npm install --save-dev @bytecodealliance/jco-transpile): ${(e as Error).message.split('\n')[0]}`);
    }
    const m = (await importEsm(resolve(pkg, 'vendor', 'wasm-tools.js'))) as WasmToolsModule;
    await m.$init;
    const decoder = new TextDecoder();
    return (text: Uint8Array, name: string): Uint8Array => {
      let binary: Uint8Array;
      try {
        binary = m.tools.parse(decoder.decode(text));
      } catch (e) {
        const detail = e instanceof Error ? e.message : String(e);
        throw new TextConversionError(`wasm-tools could not convert the text module (${name}): ${detail.split('\n')[0].slice(0, 300)}`);
      }
      if (usesDataSegmentInstructions(tokenize(text))) binary = ensureDataCount(binary);
      return binary;
    };
  })();
  return loading;
}
