/**
 * Text modules → binary via the `wabt` npm package (loaded lazily, so nothing
 * else depends on it). wabt only parses and resolves names here; validation is
 * the engine's job.
 */
import type { Token } from './lexer.js';
import { tokenize } from './lexer.js';

/** The subset of wabt's API used here (see node_modules/wabt/index.d.ts). */
interface WabtModule {
  resolveNames(): void;
  toBinary(options: object): { buffer: Uint8Array };
  toText(options: object): string;
  destroy(): void;
}
export interface Wabt {
  parseWat(filename: string, buffer: Uint8Array, features?: object): WabtModule;
  readWasm(buffer: Uint8Array, options: object): WabtModule;
}

/** The WebAssembly 2.0 feature set. */
export const WABT_FEATURES = Object.freeze({
  mutable_globals: true,
  sat_float_to_int: true,
  sign_extension: true,
  simd: true,
  multi_value: true,
  bulk_memory: true,
  reference_types: true,
});

let wabtPromise: Promise<Wabt> | undefined;

export function loadWabt(): Promise<Wabt> {
  if (!wabtPromise) {
    let factory: () => Promise<Wabt>;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      factory = require('wabt') as () => Promise<Wabt>;
    } catch (e) {
      return Promise.reject(new Error(`running .wast scripts needs the "wabt" package (npm install wabt): ${(e as Error).message.split('\n')[0]}`));
    }
    wabtPromise = factory();
  }
  return wabtPromise;
}

export class TextConversionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TextConversionError';
  }
}

/** Converts the UTF-8 text of a `(module ...)` form to a binary (wabt features: the 2.0 set unless given). */
export function watToWasm(wabt: Wabt, text: Uint8Array, filename = 'module.wat', features: object = WABT_FEATURES): Uint8Array {
  let mod: WabtModule | undefined;
  let binary: Uint8Array;
  try {
    mod = wabt.parseWat(filename, text, features);
    mod.resolveNames();
    binary = mod.toBinary({}).buffer;
  } catch (e) {
    throw new TextConversionError(`wabt could not convert the text module: ${(e as Error).message.trim()}`);
  } finally {
    mod?.destroy();
  }
  if (usesDataSegmentInstructions(tokenize(text))) binary = ensureDataCount(binary);
  return binary;
}

/** Whether the module text contains `memory.init` or `data.drop` (outside comments and strings). */
export function usesDataSegmentInstructions(tokens: Token[]): boolean {
  return tokens.some((t) => t.kind === 'atom' && (t.text === 'memory.init' || t.text === 'data.drop'));
}

function readU32(bytes: Uint8Array, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[pos++];
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7;
  }
}

function writeU32(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) b |= 0x80;
    out.push(b);
  } while (value !== 0);
  return out;
}

/**
 * wabt leaves out the DataCount section (id 12) when a module has no data
 * segments, but `memory.init`/`data.drop` require it (spec 5.5.16). Insert it
 * right before the code section with the number of data segments, as the
 * spec's reference encoder does. Binaries that already have it are returned as is.
 */
export function ensureDataCount(binary: Uint8Array): Uint8Array {
  let pos = 8;
  let codeStart = -1;
  let dataCount = 0;
  while (pos < binary.length) {
    const id = binary[pos];
    const [size, contentStart] = readU32(binary, pos + 1);
    if (id === 12) return binary;
    if (id === 10 && codeStart < 0) codeStart = pos;
    if (id === 11) dataCount = readU32(binary, contentStart)[0];
    pos = contentStart + size;
  }
  if (codeStart < 0) return binary;
  const content = writeU32(dataCount);
  const section = [12, ...writeU32(content.length), ...content];
  const out = new Uint8Array(binary.length + section.length);
  out.set(binary.subarray(0, codeStart), 0);
  out.set(section, codeStart);
  out.set(binary.subarray(codeStart), codeStart + section.length);
  return out;
}
