/**
 * The `.wast` script format (WebAssembly spec interpreter's script syntax,
 * see the spec repository's interpreter/README.md "Scripts"): S-expressions
 * turned into typed commands. Text modules keep their source bytes so they
 * can be converted by wabt; binary modules keep their bytes; quoted modules
 * keep their text.
 */
import { parseSExprs, head, type SExpr, type SList } from './sexpr.js';
import { WastSyntaxError } from './lexer.js';
import { parseI32, parseI64, parseF32Bits, parseF64Bits, NumberSyntaxError } from './numbers.js';

export { WastSyntaxError };

export type ModuleSource =
  /** `bytes` = the UTF-8 text of a complete `(module ...)` form. */
  | { kind: 'text'; bytes: Uint8Array }
  | { kind: 'binary'; bytes: Uint8Array }
  | { kind: 'quote'; text: string };

export interface WastModule {
  /** `$name` given to the module, if any. */
  name: string | undefined;
  source: ModuleSource;
  /** `(module definition ...)`: compiled but not instantiated. */
  definition: boolean;
  line: number;
}

/** A value in an action's arguments, or an exact expected result. */
export type WastValue =
  | { type: 'i32'; value: number }
  | { type: 'i64'; value: bigint }
  | { type: 'f32'; bits: number }
  | { type: 'f64'; bits: bigint }
  /** 16 bytes, little-endian lanes */
  | { type: 'v128'; bytes: Uint8Array }
  | { type: 'funcref'; null: true }
  | { type: 'externref'; null: true }
  | { type: 'externref'; null: false; id: number };

/** One lane of an expected v128 result. */
export type LanePattern =
  | { kind: 'int'; bits: bigint }
  | { kind: 'f32'; bits: number }
  | { kind: 'f64'; bits: bigint }
  | { kind: 'nan'; which: 'canonical' | 'arithmetic' };

/** A pattern an actual result is checked against. */
export type ExpectedResult =
  | { kind: 'value'; value: WastValue }
  | { kind: 'nan'; type: 'f32' | 'f64'; which: 'canonical' | 'arithmetic' }
  | { kind: 'v128'; shape: string; lanes: LanePattern[] }
  /** `(ref.func)`: any non-null function reference */
  | { kind: 'anyfunc' }
  /** `(ref.extern)`: any non-null external reference */
  | { kind: 'anyextern' }
  | { kind: 'either'; options: ExpectedResult[] };

export type Action =
  | { kind: 'invoke'; module: string | undefined; name: string; args: WastValue[] }
  | { kind: 'get'; module: string | undefined; name: string };

interface At { line: number }
export type Command =
  | ({ kind: 'module' } & At & { module: WastModule })
  | ({ kind: 'module_instance' } & At & { instance: string | undefined; definition: string | undefined })
  | ({ kind: 'register' } & At & { as: string; module: string | undefined })
  | ({ kind: 'action' } & At & { action: Action })
  | ({ kind: 'assert_return' } & At & { action: Action; results: ExpectedResult[] })
  | ({ kind: 'assert_trap' } & At & { action: Action; message: string })
  | ({ kind: 'assert_trap_module' } & At & { module: WastModule; message: string })
  | ({ kind: 'assert_exhaustion' } & At & { action: Action; message: string })
  /** exception handling: the action throws a wasm exception that nothing catches */
  | ({ kind: 'assert_exception' } & At & { action: Action })
  | ({ kind: 'assert_invalid' | 'assert_malformed' | 'assert_unlinkable' | 'assert_uninstantiable' } & At & {
      module: WastModule; message: string;
    });

export type CommandKind = Command['kind'];

/** The module a command defines or asserts about (none for actions, `register` and `module instance`). */
export function commandModule(cmd: Command): WastModule | undefined {
  switch (cmd.kind) {
    case 'module':
    case 'assert_trap_module':
    case 'assert_invalid':
    case 'assert_malformed':
    case 'assert_unlinkable':
    case 'assert_uninstantiable':
      return cmd.module;
    default:
      return undefined;
  }
}

const MODULE_FIELDS = new Set(['type', 'import', 'func', 'table', 'memory', 'global', 'export', 'start', 'elem', 'data']);

// ignoreBOM: a leading U+FEFF is part of a name (names.wast), not a byte order mark.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

function fail(node: SExpr, message: string): never {
  throw new WastSyntaxError(message, node.line);
}

function atom(node: SExpr | undefined, parent: SList, what: string): string {
  if (!node || node.kind !== 'atom') fail(node ?? parent, `expected ${what}`);
  return node.text;
}

function str(node: SExpr | undefined, parent: SList, what: string): string {
  if (!node || node.kind !== 'string') fail(node ?? parent, `expected ${what} (a string)`);
  try {
    return utf8.decode(node.bytes);
  } catch {
    fail(node, `${what} is not valid UTF-8`);
  }
}

function isId(node: SExpr | undefined): node is { kind: 'atom'; text: string; start: number; end: number; line: number } {
  return node?.kind === 'atom' && node.text.startsWith('$');
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** Parses a `(module ...)` form. */
function parseModule(list: SList, src: Uint8Array): WastModule {
  let i = 1;
  let definition = false;
  let name: string | undefined;
  const first = list.items[1];
  if (first?.kind === 'atom' && first.text === 'definition') { definition = true; i++; }
  const maybeName = list.items[i];
  if (isId(maybeName)) { name = maybeName.text; i++; }
  const kw = list.items[i];
  if (kw?.kind === 'atom' && (kw.text === 'binary' || kw.text === 'quote')) {
    const parts: Uint8Array[] = [];
    for (const node of list.items.slice(i + 1)) {
      if (node.kind !== 'string') fail(node, `expected strings in (module ${kw.text} ...)`);
      parts.push(node.bytes);
    }
    const bytes = concatBytes(parts);
    if (kw.text === 'binary') return { name, source: { kind: 'binary', bytes }, definition, line: list.line };
    return { name, source: { kind: 'quote', text: Buffer.from(bytes).toString('utf8') }, definition, line: list.line };
  }
  // A fresh copy (never a view: wabt reads the whole underlying buffer).
  const bytes = Uint8Array.prototype.slice.call(src, list.start, list.end);
  if (definition) {
    // wabt does not know `definition`: blank it out, keeping offsets.
    const d = list.items[1];
    bytes.fill(0x20, d.start - list.start, d.end - list.start);
  }
  return { name, source: { kind: 'text', bytes }, definition, line: list.line };
}

/** A module written as bare fields at the top level (e.g. inline-module.wast). */
function inlineModule(fields: SList[], src: Uint8Array): WastModule {
  const first = fields[0];
  const last = fields[fields.length - 1];
  const body = src.subarray(first.start, last.end);
  const bytes = concatBytes([utf8Encoder.encode('(module '), body, utf8Encoder.encode(')')]);
  return { name: undefined, source: { kind: 'text', bytes }, definition: false, line: first.line };
}

function parseConstValue(list: SList): WastValue | ExpectedResult {
  const op = head(list);
  const arg = list.items[1];
  try {
    switch (op) {
      case 'i32.const': return { type: 'i32', value: parseI32(atom(arg, list, 'i32 literal')) };
      case 'i64.const': return { type: 'i64', value: parseI64(atom(arg, list, 'i64 literal')) };
      case 'f32.const': {
        const t = atom(arg, list, 'f32 literal');
        if (t === 'nan:canonical' || t === 'nan:arithmetic') return { kind: 'nan', type: 'f32', which: t.slice(4) as 'canonical' | 'arithmetic' };
        return { type: 'f32', bits: parseF32Bits(t) };
      }
      case 'f64.const': {
        const t = atom(arg, list, 'f64 literal');
        if (t === 'nan:canonical' || t === 'nan:arithmetic') return { kind: 'nan', type: 'f64', which: t.slice(4) as 'canonical' | 'arithmetic' };
        return { type: 'f64', bits: parseF64Bits(t) };
      }
      case 'v128.const': return parseV128(list);
      case 'ref.null': {
        // `(ref.null)` (any null reference, 3.0 folder) and the other heap types (exn, a type index,
        // GC types) are null as the JS API shows them: compared as a null funcref
        if (arg === undefined) return { type: 'funcref', null: true };
        const t = atom(arg, list, 'reference type');
        if (t === 'extern' || t === 'externref') return { type: 'externref', null: true };
        return { type: 'funcref', null: true };
      }
      case 'ref.extern': {
        if (arg === undefined) return { kind: 'anyextern' };
        return { type: 'externref', null: false, id: Number(BigInt.asUintN(32, BigInt(parseI64(atom(arg, list, 'extern id'))))) };
      }
      case 'ref.func':
        return { kind: 'anyfunc' };
      default:
        fail(list, `unsupported constant "${op}"`);
    }
  } catch (e) {
    if (e instanceof NumberSyntaxError) fail(list, e.message);
    throw e;
  }
}

const LANES: Record<string, { count: number; bytes: number }> = {
  i8x16: { count: 16, bytes: 1 }, i16x8: { count: 8, bytes: 2 }, i32x4: { count: 4, bytes: 4 },
  i64x2: { count: 2, bytes: 8 }, f32x4: { count: 4, bytes: 4 }, f64x2: { count: 2, bytes: 8 },
};

function parseLane(shape: string, text: string): LanePattern {
  if (text === 'nan:canonical' || text === 'nan:arithmetic') {
    if (shape !== 'f32x4' && shape !== 'f64x2') throw new NumberSyntaxError(`NaN pattern in ${shape} lane`);
    return { kind: 'nan', which: text.slice(4) as 'canonical' | 'arithmetic' };
  }
  switch (shape) {
    case 'f32x4': return { kind: 'f32', bits: parseF32Bits(text) };
    case 'f64x2': return { kind: 'f64', bits: parseF64Bits(text) };
    case 'i64x2': return { kind: 'int', bits: BigInt.asUintN(64, parseI64(text)) };
    default: {
      const width = LANES[shape].bytes * 8;
      // i8/i16 lanes: accept the signed and unsigned range of the lane width.
      const v = BigInt.asUintN(32, BigInt(parseI32(text)));
      const signedMin = -(1n << BigInt(width - 1));
      const asSigned = BigInt.asIntN(32, v);
      if (width < 32 && (asSigned < signedMin || (asSigned >= 0n && asSigned >= 1n << BigInt(width)))) {
        throw new NumberSyntaxError(`lane literal "${text}" out of range for ${shape}`);
      }
      return { kind: 'int', bits: BigInt.asUintN(width, v) };
    }
  }
}

function parseV128(list: SList): WastValue | ExpectedResult {
  const shape = atom(list.items[1], list, 'v128 shape');
  const info = LANES[shape];
  if (!info) fail(list, `unknown v128 shape "${shape}"`);
  const laneNodes = list.items.slice(2);
  if (laneNodes.length !== info.count) fail(list, `${shape} needs ${info.count} lanes`);
  const lanes = laneNodes.map((n) => parseLane(shape, atom(n, list, 'lane literal')));
  if (lanes.some((l) => l.kind === 'nan')) return { kind: 'v128', shape, lanes };
  const bytes = new Uint8Array(16);
  lanes.forEach((lane, k) => {
    let bits = lane.kind === 'f32' ? BigInt(lane.bits) : lane.kind === 'nan' ? 0n : lane.bits;
    for (let b = 0; b < info.bytes; b++) {
      bytes[k * info.bytes + b] = Number(bits & 0xffn);
      bits >>= 8n;
    }
  });
  return { type: 'v128', bytes };
}

function isValue(x: WastValue | ExpectedResult): x is WastValue {
  return !('kind' in x);
}

function parseArg(node: SExpr): WastValue {
  if (node.kind !== 'list') fail(node, 'expected a constant');
  const v = parseConstValue(node);
  if (!isValue(v)) fail(node, 'a pattern is not allowed as an argument');
  return v;
}

function parseResult(node: SExpr): ExpectedResult {
  if (node.kind !== 'list') fail(node, 'expected a result');
  if (head(node) === 'either') {
    return { kind: 'either', options: node.items.slice(1).map(parseResult) };
  }
  const v = parseConstValue(node);
  return isValue(v) ? { kind: 'value', value: v } : v;
}

function parseAction(node: SExpr | undefined, parent: SList): Action {
  if (!node || node.kind !== 'list') fail(node ?? parent, 'expected an action');
  const kind = head(node);
  let i = 1;
  let module: string | undefined;
  if (isId(node.items[1])) { module = (node.items[1] as { text: string }).text; i++; }
  const name = str(node.items[i], node, 'export name');
  if (kind === 'invoke') {
    return { kind: 'invoke', module, name, args: node.items.slice(i + 1).map((a) => parseArg(a)) };
  }
  if (kind === 'get') return { kind: 'get', module, name };
  fail(node, `unknown action "${kind}"`);
}

function message(list: SList, index: number): string {
  return str(list.items[index], list, 'failure message');
}

function moduleArg(node: SExpr | undefined, list: SList, src: Uint8Array): WastModule {
  if (!node || node.kind !== 'list' || head(node) !== 'module') fail(node ?? list, 'expected a module');
  return parseModule(node, src);
}

/** Parses a whole `.wast` script. */
export function parseWast(src: Uint8Array | string): Command[] {
  const bytes = typeof src === 'string' ? utf8Encoder.encode(src) : new Uint8Array(src);
  const top = parseSExprs(bytes);
  const commands: Command[] = [];
  for (let k = 0; k < top.length; k++) {
    const list = top[k];
    const kw = head(list);
    const line = list.line;
    if (MODULE_FIELDS.has(kw)) {
      let j = k;
      while (j + 1 < top.length && MODULE_FIELDS.has(head(top[j + 1]))) j++;
      commands.push({ kind: 'module', line, module: inlineModule(top.slice(k, j + 1), bytes) });
      k = j;
      continue;
    }
    switch (kw) {
      case 'module': {
        const second = list.items[1];
        if (second?.kind === 'atom' && second.text === 'instance') {
          // (module instance $I? $M?)
          const ids = list.items.slice(2).filter(isId).map((n) => (n as { text: string }).text);
          const instance = ids.length === 2 ? ids[0] : ids.length === 1 ? ids[0] : undefined;
          const definition = ids.length === 2 ? ids[1] : ids.length === 1 ? ids[0] : undefined;
          commands.push({ kind: 'module_instance', line, instance, definition });
          break;
        }
        commands.push({ kind: 'module', line, module: parseModule(list, bytes) });
        break;
      }
      case 'register': {
        const as = str(list.items[1], list, 'registration name');
        const m = list.items[2];
        commands.push({ kind: 'register', line, as, module: isId(m) ? m.text : undefined });
        break;
      }
      case 'invoke':
      case 'get':
        commands.push({ kind: 'action', line, action: parseAction(list, list) });
        break;
      case 'assert_return':
        commands.push({ kind: 'assert_return', line, action: parseAction(list.items[1], list), results: list.items.slice(2).map(parseResult) });
        break;
      case 'assert_trap': {
        const target = list.items[1];
        if (target?.kind === 'list' && head(target) === 'module') {
          commands.push({ kind: 'assert_trap_module', line, module: parseModule(target, bytes), message: message(list, 2) });
        } else {
          commands.push({ kind: 'assert_trap', line, action: parseAction(target, list), message: message(list, 2) });
        }
        break;
      }
      case 'assert_exhaustion':
        commands.push({ kind: 'assert_exhaustion', line, action: parseAction(list.items[1], list), message: message(list, 2) });
        break;
      case 'assert_exception':
        commands.push({ kind: 'assert_exception', line, action: parseAction(list.items[1], list) });
        break;
      case 'assert_invalid':
      case 'assert_malformed':
      case 'assert_unlinkable':
      case 'assert_uninstantiable':
        commands.push({ kind: kw, line, module: moduleArg(list.items[1], list, bytes), message: message(list, 2) });
        break;
      default:
        fail(list, `unknown command "${kw || '(list)'}"`);
    }
  }
  return commands;
}
