/**
 * Section contents (spec 5.5.2-5.5.13). Each function reads one section's
 * content from a reader bounded to the section and adds it to the module.
 * Every count is checked against the bytes left (and its `Limits` entry)
 * before anything is allocated for it.
 */
import { LimitError, MalformedError, PolicyError } from '../errors.js';
import type { Features, Limits } from '../config.js';
import type { DecodedModule, code, data, elem, export_, expr, externkind, import_, importdesc, valtype } from './module.js';
import { Reader, EOF_SECTION } from './reader.js';
import { InstrWriter, decodeExpr } from './instructions.js';
import { FUNCREF, I32 } from './valtype.js';
import { readFunctype, readGlobaltype, readMemtype, readReftype, readTabletype, readTagtype, readValtype } from './types.js';

export interface DecodeState {
  module: DecodedModule;
  limits: Limits;
  features: Features;
  writer: InstrWriter;
  /** Imported functions/tables/globals, for the combined count limits. */
  importedFuncs: number;
  importedTables: number;
  importedGlobals: number;
  importedMems: number;
}

/** A vector length with a limit: fits in the remaining bytes and, with `already`, is at most `max`. */
function limitedCount(r: Reader, limit: keyof Limits, max: number, already = 0): number {
  const at = r.pos;
  const n = r.count();
  if (already + n > max) throw new LimitError(limit, max, already + n, at);
  return n;
}

/** A constant expression (5.4.9 / 3.3.10), decoded as any instruction sequence. */
export function readConstExpr(r: Reader, st: DecodeState): expr {
  const offset = r.pos;
  const code = decodeExpr(r, st.writer, { limits: st.limits, features: st.features, noDataCount: false });
  return { code, offset };
}

/** Custom section (5.5.3): name, then arbitrary bytes. */
export function customSection(r: Reader, st: DecodeState, offset: number): void {
  const name = r.name(st.limits.maxNameLength);
  const data = r.bytesView(r.remaining());
  st.module.customs.push({ name, data, offset });
}

/** Type section (5.5.4). */
export function typeSection(r: Reader, st: DecodeState): void {
  const n = limitedCount(r, 'maxTypes', st.limits.maxTypes);
  const types = st.module.types;
  for (let i = 0; i < n; i++) types.push(readFunctype(r, st.limits));
}

/** Import section (5.5.5). */
export function importSection(r: Reader, st: DecodeState): void {
  const lim = st.limits;
  const n = limitedCount(r, 'maxImports', lim.maxImports);
  for (let i = 0; i < n; i++) {
    const offset = r.pos;
    const moduleName = r.name(lim.maxNameLength);
    const name = r.name(lim.maxNameLength);
    const kindAt = r.pos;
    const kind = r.u8();
    let desc: importdesc;
    switch (kind) {
      case 0x00:
        desc = { kind: 'func', typeidx: r.u32() };
        if (++st.importedFuncs > lim.maxFunctions) throw new LimitError('maxFunctions', lim.maxFunctions, st.importedFuncs, offset);
        break;
      case 0x01:
        desc = { kind: 'table', type: readTabletype(r, st.features.memory64) };
        if (++st.importedTables > lim.maxTables) throw new LimitError('maxTables', lim.maxTables, st.importedTables, offset);
        break;
      case 0x02:
        desc = { kind: 'memory', type: readMemtype(r, st.features.memory64) };
        if (++st.importedMems > lim.maxMemories) throw new LimitError('maxMemories', lim.maxMemories, st.importedMems, offset);
        break;
      case 0x03:
        desc = { kind: 'global', type: readGlobaltype(r) };
        if (++st.importedGlobals > lim.maxGlobals) throw new LimitError('maxGlobals', lim.maxGlobals, st.importedGlobals, offset);
        break;
      case 0x04:
        // (without exceptions, kind 4 is malformed as in WebAssembly 2.0)
        if (!st.features.exceptions) r.fail(`malformed import kind 0x${kind.toString(16)}`, kindAt);
        desc = { kind: 'tag', typeidx: readTagtype(r) };
        break;
      default:
        r.fail(`malformed import kind 0x${kind.toString(16)}`, kindAt);
    }
    const imp: import_ = { module: moduleName, name, desc, offset };
    st.module.imports.push(imp);
  }
}

/** Function section (5.5.6): the type index of every defined function. */
export function functionSection(r: Reader, st: DecodeState): void {
  const n = limitedCount(r, 'maxFunctions', st.limits.maxFunctions, st.importedFuncs);
  const funcs = st.module.funcs;
  for (let i = 0; i < n; i++) funcs.push(r.u32());
}

/**
 * Table section (5.5.7): `tabletype`, or (typed function references)
 * `0x40 0x00 tabletype expr` with an initializer expression for the elements.
 */
export function tableSection(r: Reader, st: DecodeState): void {
  const n = limitedCount(r, 'maxTables', st.limits.maxTables, st.importedTables);
  for (let i = 0; i < n; i++) {
    if (r.peek() === 0x40) {
      r.pos++;
      const at = r.pos;
      if (r.u8() !== 0x00) r.fail('malformed table', at);
      st.module.tables.push(readTabletype(r, st.features.memory64));
      st.module.tableInits.push(readConstExpr(r, st));
    } else {
      st.module.tables.push(readTabletype(r, st.features.memory64));
      st.module.tableInits.push(null);
    }
  }
}

/** Memory section (5.5.8). Whether several memories are allowed is the validator's question (multi-memory). */
export function memorySection(r: Reader, st: DecodeState): void {
  const n = limitedCount(r, 'maxMemories', st.limits.maxMemories, st.importedMems);
  for (let i = 0; i < n; i++) st.module.mems.push(readMemtype(r, st.features.memory64));
}

/** Tag section (exception handling; id 13, between the memory and global sections): tagtypes. */
export function tagSection(r: Reader, st: DecodeState): void {
  if (!st.features.exceptions) throw new PolicyError('exceptions', 'tag section requires the exceptions feature, which is disabled', r.pos);
  const n = r.count();
  for (let i = 0; i < n; i++) st.module.tags.push(readTagtype(r));
}

/** Global section (5.5.9). */
export function globalSection(r: Reader, st: DecodeState): void {
  const n = limitedCount(r, 'maxGlobals', st.limits.maxGlobals, st.importedGlobals);
  for (let i = 0; i < n; i++) {
    const offset = r.pos;
    const type = readGlobaltype(r);
    const init = readConstExpr(r, st);
    st.module.globals.push({ type, init, offset });
  }
}

const EXTERN_KINDS: externkind[] = ['func', 'table', 'memory', 'global', 'tag'];

/** Export section (5.5.10). */
export function exportSection(r: Reader, st: DecodeState): void {
  const n = limitedCount(r, 'maxExports', st.limits.maxExports);
  for (let i = 0; i < n; i++) {
    const offset = r.pos;
    const name = r.name(st.limits.maxNameLength);
    const kindAt = r.pos;
    const k = r.u8();
    if (k > (st.features.exceptions ? 4 : 3)) r.fail(`malformed export kind 0x${k.toString(16)}`, kindAt);
    const index = r.u32();
    const exp: export_ = { name, kind: EXTERN_KINDS[k], index, offset };
    st.module.exports.push(exp);
  }
}

/** Start section (5.5.11). */
export function startSection(r: Reader, st: DecodeState): void {
  st.module.start = r.u32();
}

/** Element section (5.5.12): the eight encodings selected by flags 0-7. */
export function elementSection(r: Reader, st: DecodeState): void {
  const lim = st.limits;
  const n = limitedCount(r, 'maxElemSegments', lim.maxElemSegments);
  for (let i = 0; i < n; i++) {
    const offset = r.pos;
    const flags = r.u32();
    if (flags > 7) r.fail('malformed elements segment kind', offset);
    // bit 0: passive/declarative (vs active); bit 1: explicit table index
    // (active) or declarative (not active); bit 2: expressions instead of indices.
    const active = (flags & 1) === 0;
    const mode: elem['mode'] = active ? 'active' : flags & 2 ? 'declarative' : 'passive';
    let table = 0;
    let offsetExpr: expr | null = null;
    if (active) {
      if (flags & 2) table = r.u32();
      offsetExpr = readConstExpr(r, st);
    }
    const usesExprs = (flags & 4) !== 0;
    let type = FUNCREF;
    if (!active || flags & 2) {
      // explicit elemkind (indices) or reftype (expressions)
      if (usesExprs) {
        type = readReftype(r);
      } else {
        const kAt = r.pos;
        if (r.u8() !== 0x00) r.fail('malformed element kind', kAt);
      }
    }
    const length = limitedCount(r, 'maxElemSegmentLength', lim.maxElemSegmentLength);
    let funcs: Uint32Array | null = null;
    let exprs: expr[] | null = null;
    if (usesExprs) {
      exprs = new Array(length);
      for (let j = 0; j < length; j++) exprs[j] = readConstExpr(r, st);
    } else {
      funcs = new Uint32Array(length);
      for (let j = 0; j < length; j++) funcs[j] = r.u32();
    }
    st.module.elems.push({ type, mode, table, offsetExpr, funcs, exprs, length, offset });
  }
}

/** Data count section (5.5.14). */
export function dataCountSection(r: Reader, st: DecodeState): void {
  const at = r.pos;
  const n = r.u32();
  if (n > st.limits.maxDataSegments) throw new LimitError('maxDataSegments', st.limits.maxDataSegments, n, at);
  st.module.dataCount = n;
}

/** Code section (5.5.13). */
export function codeSection(r: Reader, st: DecodeState): void {
  const lim = st.limits;
  // The count is compared with the function section's only after the last
  // section (decode), as the reference interpreter does: a second code
  // section is "unexpected content after last section" first.
  const n = r.count();
  for (let i = 0; i < n; i++) {
    const offset = r.pos;
    const size = r.u32();
    if (size > r.remaining()) r.eof();
    const funcIndex = st.importedFuncs + i;
    if (size > lim.maxFunctionBodySize) {
      throw new LimitError('maxFunctionBodySize', lim.maxFunctionBodySize, size, offset, funcIndex);
    }
    const br = new Reader(r.bytes, r.pos, r.pos + size, EOF_SECTION);
    try {
      st.module.codes.push(codeEntry(br, st, i, offset));
    } catch (e) {
      // name the function in malformations found inside its body
      if (e instanceof MalformedError && e.funcIndex === undefined) throw new MalformedError(e.reason, e.offset!, funcIndex);
      throw e;
    }
    r.pos = br.end;
  }
}

/**
 * One run of declared locals, `count` locals of type `type`. SPEED: a class,
 * not a `{ count, type }` literal: V8 gives every object literal that starts
 * with a `count` property the same shape, so one such literal anywhere in the
 * program holding a non-integer count made these counts boxed doubles too, and
 * the validator's sum of them a double field that V8 keeps re-shaping.
 */
class LocalsRun {
  constructor(
    readonly count: number,
    readonly type: valtype,
  ) {}
}

/**
 * A code section entry. SPEED: a class, not an object literal: V8 tracks how
 * long the objects of each literal live and, once most outlive a young-
 * generation collection (as code entries do, kept by their module), switches
 * the literal to old-space allocation and discards the optimized decoder to do
 * so, in the middle of decoding a big module; objects made by `new` are not
 * tracked that way.
 */
class CodeEntry implements code {
  constructor(
    public locals: LocalsRun[],
    public numLocals: number,
    public body: Int32Array,
    public numInstrs: number,
    public offset: number,
    public size: number,
  ) {}
}


/** Entry `i` of the code section: locals and body, read from `br` (bounded to the body), whose size field is at `offset`. */
function codeEntry(br: Reader, st: DecodeState, i: number, offset: number): code {
  const lim = st.limits;
  const m = st.module;
  const funcIndex = st.importedFuncs + i;
  const bodyStart = br.pos;
  // locals: vec(count valtype)
  const groups = br.count();
  const locals: LocalsRun[] = new Array(groups);
  let numLocals = 0;
  for (let g = 0; g < groups; g++) {
    const cAt = br.pos;
    const count = br.u32();
    const type = readValtype(br);
    numLocals += count; // exact: fewer than 2^32 groups of fewer than 2^32
    if (numLocals > 0xffffffff) br.fail('too many locals', cAt);
    locals[g] = new LocalsRun(count, type);
  }
  // (a body without a function, or of an unknown type: the count or the
  // validator reports it; only the declared locals are limited then)
  const type = i < m.funcs.length ? m.types[m.funcs[i]] : undefined;
  const params = type ? type.params.length : 0;
  if (numLocals + params > lim.maxLocals) {
    throw new LimitError('maxLocals', lim.maxLocals, numLocals + params, bodyStart, funcIndex);
  }
  const body = decodeExpr(br, st.writer, { limits: lim, features: st.features, noDataCount: m.dataCount === null, funcIndex });
  if (!br.atEnd()) br.fail('section size mismatch', br.pos);
  return new CodeEntry(locals, numLocals, body, st.writer.count, offset, br.end - bodyStart);
}

/** Data section (5.5.14): flags 0 (active, memory 0), 1 (passive), 2 (active, explicit memory). */
export function dataSection(r: Reader, st: DecodeState): void {
  const m = st.module;
  const countAt = r.pos;
  const n = limitedCount(r, 'maxDataSegments', st.limits.maxDataSegments);
  if (m.dataCount !== null && n !== m.dataCount) {
    r.fail('data count and data section have inconsistent lengths', countAt);
  }
  for (let i = 0; i < n; i++) {
    const offset = r.pos;
    const flags = r.u32();
    let d: data;
    if (flags === 1) {
      d = { mode: 'passive', memory: 0, offsetExpr: null, init: r.byteVec(), offset };
    } else if (flags === 0 || flags === 2) {
      const memory = flags === 2 ? r.u32() : 0;
      const offsetExpr = readConstExpr(r, st);
      d = { mode: 'active', memory, offsetExpr, init: r.byteVec(), offset };
    } else {
      r.fail('malformed data segment kind', offset);
    }
    m.datas.push(d);
  }
}
/** SPEED: keeps this class's object shape alive between modules (src/validator/README.md, "Object shapes"). */
export const KEPT_LOCALS_RUN = new LocalsRun(0, I32);
