/**
 * Instantiation (spec 4.5.4 "Instantiation", WebAssembly 2.0 order):
 * resolve and check imports (LinkError); in a metered store, charge the
 * instantiation's price (src/gas/schedule.ts `instantiationCost`) before
 * allocating anything (`out_of_gas` leaves the store as it was); allocate functions, tables, memory,
 * globals (init expressions in order), exports; then apply the element
 * segments and data segments in order (an out-of-bounds active segment traps;
 * the ones before it stay applied), drop active and declarative segments, and
 * run the start function.
 */
import { valtypeName, type expr, type functype, type limits, type valtype } from '../decoder/module.js';
import { EXTERNREF, F32, F64, FUNCREF, I32, I64, abstractHeap, concreteIndex, isNullable, isRefType } from '../decoder/valtype.js';
import { LinkError, Trap } from '../errors.js';
import { invoke } from './call.js';
import { instantiationCost } from '../gas/schedule.js';
import type { ModuleState } from './engine.js';
import { Tag, newTag, tagHandle } from './exn.js';
import { linkType, linkedFuncType, typeIdsOf } from './types.js';
import {
  FUNC_INST, Global, HostFunc, Memory, Table, handleOf, internals, typeIdOf, wrapperOf,
} from './runtime.js';
import { FuncInst, GlobalInst, MemoryInst, ModuleInst, PAGE_SIZE, type StoreState, TableInst } from './instances.js';

/** "(i32, i64) -> (i32)" */
function funcTypeText(t: functype): string {
  return `(${t.params.map(valtypeName).join(', ')}) -> (${t.results.map(valtypeName).join(', ')})`;
}

/** "at least 2 pages, at most 3" / "1 page, no maximum" */
function limitsText(min: number, max: number | undefined, unit: string, declared: boolean): string {
  const size = `${declared ? 'at least ' : ''}${min} ${unit}${min === 1 ? '' : 's'}`;
  return max === undefined ? `${size}, no maximum` : `${size}, ${declared ? 'at most' : 'maximum'} ${max}`;
}

function globalTypeText(t: { valtype: number; mutable: boolean }): string {
  return `${t.mutable ? 'mut ' : ''}${valtypeName(t.valtype)}`;
}

/** spec 4.5.2 "Import Subtyping" for limits: actual {n1,m1} matches declared {n2,m2}. */
function limitsMatch(n1: number, m1: number | undefined, l: limits): boolean {
  if (n1 < l.min) return false;
  if (l.max === undefined) return true;
  return m1 !== undefined && m1 <= l.max;
}

/** Reference subtyping between link types (spec 3.0 3.3.3 without GC): equal, or a non-null / concrete function type where a nullable / func one is declared. */
function linkMatches(a: valtype, b: valtype): boolean {
  if (a === b) return true;
  if (!isRefType(a) || !isRefType(b)) return false;
  if (isNullable(a) && !isNullable(b)) return false;
  const ca = concreteIndex(a), cb = concreteIndex(b);
  if (cb >= 0) return ca === cb;
  if (ca >= 0) return abstractHeap(b) === FUNCREF;
  return abstractHeap(a) === abstractHeap(b);
}

/** The element / value type (FUNCREF or EXTERNREF) detwasm's tables and globals hold a reference type of `t`'s heap type as. */
function refStored(t: valtype): valtype {
  return abstractHeap(t) === EXTERNREF ? EXTERNREF : FUNCREF;
}

export function instantiate(module: ModuleState, store: StoreState, imports: Record<string, Record<string, unknown>>): ModuleInst {
  if (store.engine !== module.engine) throw new TypeError('instantiate: the module was compiled by a different engine than the store\'s');
  const vm = module.vm;
  const m = vm.module;
  const inst = new ModuleInst(module, store);
  const typeIds = typeIdsOf(m.types);
  inst.typeIds = typeIds;

  // ---- imports
  for (const imp of m.imports) {
    const ns = imports[imp.module];
    const v = ns !== undefined && ns !== null ? (ns as Record<string, unknown>)[imp.name] : undefined;
    const where = `"${imp.module}" "${imp.name}"`;
    if (v === undefined) throw new LinkError(`unknown import: ${where}`, 'unknown_import');
    const incompatible = (why: string) => new LinkError(`incompatible import type: ${where}: ${why}`, 'incompatible_import');
    const d = imp.desc;
    switch (d.kind) {
      case 'func': {
        const t = m.types[d.typeidx], id = typeIds[d.typeidx];
        let f: FuncInst;
        if (typeof v === 'function' && (v as any)[FUNC_INST] instanceof FuncInst) {
          const g = (v as any)[FUNC_INST] as FuncInst;
          if (g.typeId !== id) throw incompatible(`function type mismatch: expected ${funcTypeText(t)}, got ${funcTypeText(g.type)}`);
          // another store's function is called through its JS wrapper, like a host function
          f = g.store === store ? g : new FuncInst(store, t, id, true, null, -1, (_c: unknown, ...a: unknown[]) => (v as any)(...a), true);
        } else if (v instanceof HostFunc) {
          if (typeIdOf(v.type) !== id) throw incompatible(`host function type mismatch: expected ${funcTypeText(t)}, got ${funcTypeText(v.type)}`);
          f = new FuncInst(store, t, id, true, null, -1, v.fn, true);
        } else if (typeof v === 'function') {
          f = new FuncInst(store, t, id, true, null, -1, v as (...a: any[]) => unknown, false);
        } else {
          throw incompatible('expected a function');
        }
        if (f.host) {
          f.hostIndex = inst.funcs.length;
          f.hostName = `${imp.module}.${imp.name}`;
        }
        inst.funcs.push(f);
        break;
      }
      case 'table': {
        if (!(v instanceof Table)) throw incompatible('expected a Table');
        const t = internals(v);
        if ((t.linkElem || t.elemtype) !== linkType(d.type.elemtype, m.types)) {
          throw incompatible(`table element type mismatch: expected ${valtypeName(d.type.elemtype)}, got ${valtypeName(t.elemtype)}`);
        }
        if (!limitsMatch(t.elems.length, t.max, d.type.limits)) {
          const l = d.type.limits;
          throw incompatible(`table limits mismatch: expected ${limitsText(l.min, l.max, 'element', true)}; got ${limitsText(t.elems.length, t.max, 'element', false)}`);
        }
        if (t.is64 !== d.type.is64) throw incompatible(`table address type mismatch: expected ${d.type.is64 ? 'i64' : 'i32'}`);
        inst.tables.push(t);
        break;
      }
      case 'memory': {
        if (!(v instanceof Memory)) throw incompatible('expected a Memory');
        const mem = internals(v);
        if (mem.pageSizeLog2 !== d.type.pageSizeLog2) throw incompatible(`memory page size mismatch: expected ${2 ** d.type.pageSizeLog2}, got ${2 ** mem.pageSizeLog2}`);
        // sizes in the memory's pages (MemoryInst counts 64 KiB ones)
        const scale = PAGE_SIZE / 2 ** d.type.pageSizeLog2;
        const size = mem.u8.length / 2 ** d.type.pageSizeLog2, max = mem.max === undefined ? undefined : mem.max * scale;
        if (!limitsMatch(size, max, d.type.limits)) {
          const l = d.type.limits;
          throw incompatible(`memory limits mismatch: expected ${limitsText(l.min, l.max, 'page', true)}; got ${limitsText(size, max, 'page', false)}`);
        }
        if (mem.is64 !== d.type.is64) throw incompatible(`memory address type mismatch: expected ${d.type.is64 ? 'i64' : 'i32'}`);
        if (inst.memory === null) inst.memory = mem;
        inst.memories.push(mem);
        break;
      }
      case 'tag': {
        if (!(v instanceof Tag)) throw incompatible('expected a Tag');
        const t = m.types[d.typeidx];
        const tag = internals(v);
        if (tag.typeId !== typeIds[d.typeidx]) {
          throw incompatible(`tag type mismatch: expected ${funcTypeText({ params: t.params, results: [] })}, got ${funcTypeText(tag.type)}`);
        }
        inst.tags.push(tag);
        break;
      }
      case 'global': {
        let g: GlobalInst;
        if (v instanceof Global) {
          g = internals(v);
          // a mutable global's type must be the same, an immutable one's a subtype (reference types)
          const actual = g.linkType || g.type.valtype, declared = linkType(d.type.valtype, m.types);
          if (g.type.mutable !== d.type.mutable || !(d.type.mutable ? actual === declared : linkMatches(actual, declared))) {
            throw incompatible(`global type mismatch: expected ${globalTypeText(d.type)}, got ${globalTypeText(g.type)}`);
          }
        } else if (!d.type.mutable) {
          // JS API "read the imports": a plain value for an immutable global
          // (i32, f32, f64: a Number, i64: a BigInt, funcref: null or an exported function, externref: anything)
          const t = d.type.valtype;
          const name = t === I32 ? 'i32' : t === I64 ? 'i64' : t === F32 ? 'f32' : t === F64 ? 'f64' : t === FUNCREF ? 'funcref' : t === EXTERNREF ? 'externref' : null;
          if (name === null) throw incompatible('expected a Global');
          if ((name === 'i32' || name === 'f32' || name === 'f64') && typeof v !== 'number') throw incompatible('expected a Global or a Number');
          if (name === 'i64' && typeof v !== 'bigint') throw incompatible('expected a Global or a BigInt');
          try {
            g = internals(new Global({ value: name }, v));
          } catch {
            throw incompatible('value has the wrong type');
          }
        } else {
          throw incompatible('expected a Global');
        }
        inst.globals.push(g);
        inst.globalCells.push(g.cell);
        break;
      }
    }
  }

  // ---- price (metered stores): checked before anything is allocated; out of gas leaves the store as it was
  if (store.metered) {
    const cost = instantiationCost(m, store.schedule);
    if (store.gas < cost) throw new Trap('out_of_gas', `instantiation costs ${cost} gas, ${store.gas} left`);
    store.gas -= cost;
  }
  // ---- the store lists its instances (snapshots), from here on even if a segment or the start function traps
  // (not a store that does not keep them: compat's default store, StoreState.recordsInstances)
  if (store.recordsInstances) store.instances.push(inst);

  // ---- standalone memories and tables now belong to this store (their JS grow limit)
  const limits = store.limits;
  for (const t of inst.tables) {
    if (!t.owned) {
      t.owned = true;
      t.limit = limits.maxTableSize;
    }
  }
  for (const mem of inst.memories) {
    if (!mem.owned) {
      mem.owned = true;
      mem.limit = limits.maxMemoryPages;
    }
  }

  // ---- functions
  // defined functions: their instances are made on first use (ModuleInst.func)
  inst.funcs.length = inst.funcs.length + m.funcs.length;
  // ---- tables
  for (const tt of m.tables) {
    const t = new TableInst(refStored(tt.elemtype), new Array(tt.limits.min).fill(null), tt.limits.max);
    if (tt.elemtype !== FUNCREF && tt.elemtype !== EXTERNREF) t.linkElem = linkType(tt.elemtype, m.types);
    t.owned = true;
    t.limit = limits.maxTableSize;
    t.is64 = tt.is64;
    inst.tables.push(t);
  }
  // ---- memory
  for (const mt of m.mems) {
    // MemoryInst counts 64 KiB pages; a custom page size (1 byte) makes fractions of them, exact in doubles.
    // A declared maximum beyond the JS API's range (memory64, custom page sizes) is kept as it is.
    const scale = 2 ** mt.pageSizeLog2 / PAGE_SIZE;
    const mem = new MemoryInst(scale === 1 ? mt.limits.min : 0, undefined);
    if (scale !== 1 && mt.limits.min > 0) mem.grow(mt.limits.min * scale, Infinity);
    mem.max = mt.limits.max === undefined ? undefined : mt.limits.max * scale;
    mem.pageSizeLog2 = mt.pageSizeLog2;
    mem.owned = true;
    mem.limit = limits.maxMemoryPages;
    mem.is64 = mt.is64;
    if (inst.memory === null) inst.memory = mem;
    inst.memories.push(mem);
  }
  // ---- tags (each instantiation makes new ones)
  for (const x of m.tags) inst.tags.push(newTag(linkedFuncType(m.types[x]), typeIds[x]));
  // ---- globals (init expressions may read earlier globals)
  for (const g of m.globals) {
    const t = g.type.valtype;
    const glob = new GlobalInst({ valtype: isRefType(t) ? refStored(t) : t, mutable: g.type.mutable });
    if (isRefType(t) && t !== FUNCREF && t !== EXTERNREF) glob.linkType = linkType(t, m.types);
    const v = evalConst(g.init, inst);
    if (typeof v === 'object' && v !== null && 'ref' in v) glob.ref = v.ref;
    else if (typeof v === 'object' && v !== null) {
      glob.cell[0] = v.lo; // f32/f64 bits, kept exactly (payloads included)
      glob.cell[1] = v.hi;
    }
    else if (typeof v === 'bigint') {
      glob.cell[0] = Number(BigInt.asIntN(32, v));
      glob.cell[1] = Number(BigInt.asIntN(32, v >> 32n));
    } else glob.cell[0] = v as number;
    inst.globals.push(glob);
    inst.globalCells.push(glob.cell);
  }
  // ---- table initializer expressions (typed function references: `(table n (ref $t) expr)`)
  for (let i = 0; i < m.tables.length; i++) {
    const init = m.tableInits[i];
    if (init === null || init === undefined) continue;
    const v = evalConst(init, inst) as { ref: unknown };
    inst.tables[vm.numImportedTables + i].elems.fill(v.ref);
  }
  // ---- exports
  for (const e of m.exports) {
    let v: unknown;
    switch (e.kind) {
      case 'func': v = wrapperOf(inst.func(e.index)); break;
      case 'table': v = handleOf(inst.tables[e.index]); break;
      case 'memory': v = handleOf(inst.memories[e.index]); break;
      case 'global': v = handleOf(inst.globals[e.index]); break;
      case 'tag': v = tagHandle(inst.tags[e.index]); break;
    }
    inst.exports[e.name] = v;
  }
  Object.freeze(inst.exports);

  // ---- element segments: resolve references
  for (const seg of m.elems) {
    const vals: unknown[] = new Array(seg.length);
    if (seg.funcs) for (let i = 0; i < seg.length; i++) vals[i] = inst.func(seg.funcs[i]);
    else if (seg.exprs) {
      for (let i = 0; i < seg.length; i++) {
        const v = evalConst(seg.exprs[i], inst) as { ref: unknown };
        vals[i] = v.ref;
      }
    }
    inst.elems.push(vals);
  }
  for (const d of m.datas) inst.datas.push(d.init);

  // ---- apply active segments in order (spec 4.5.4 steps 14-15), then the start function
  for (let i = 0; i < m.elems.length; i++) {
    const seg = m.elems[i];
    if (seg.mode === 'active') {
      const o = evalConst(seg.offsetExpr!, inst) as number | bigint;
      // a 64-bit table's offset is an i64 (exact below 2^53; larger ones are out of bounds anyway)
      const off = typeof o === 'bigint' ? Number(BigInt.asUintN(64, o)) : o >>> 0;
      const tab = inst.tables[seg.table];
      const vals = inst.elems[i];
      if (off + vals.length > tab.elems.length) throw new Trap('table_out_of_bounds', `element segment ${i}`);
      for (let k = 0; k < vals.length; k++) tab.elems[off + k] = vals[k];
    }
    if (seg.mode !== 'passive') inst.elems[i] = [];
  }
  for (let i = 0; i < m.datas.length; i++) {
    const seg = m.datas[i];
    if (seg.mode !== 'active') continue;
    const o = evalConst(seg.offsetExpr!, inst) as number | bigint;
    // a 64-bit memory's offset is an i64 (exact as a double below 2^53; larger ones are out of bounds anyway)
    const off = typeof o === 'bigint' ? Number(BigInt.asUintN(64, o)) : o >>> 0;
    const mem = inst.memories[seg.memory];
    if (off + seg.init.length > mem.u8.length) throw new Trap('memory_out_of_bounds', `data segment ${i}`);
    mem.u8.set(seg.init, off);
    inst.datas[i] = new Uint8Array(0);
  }
  if (m.start !== null) invoke(inst.func(m.start), []);
  return inst;
}

/** A constant's value: i32 a number, i64 a bigint, f32/f64 their bits (f32: hi 0), references { ref }. */
type ConstValue = number | bigint | { ref: unknown } | { lo: number; hi: number };

/** Evaluates a constant expression (spec 3.3.10; extended-const arithmetic included). */
function evalConst(e: expr, inst: ModuleInst): ConstValue {
  const c = e.code;
  const stack: ConstValue[] = [];
  let pc = 0;
  for (;;) {
    const op = c[pc];
    switch (op) {
      case 0x0b: return stack[stack.length - 1];
      case 0x41: stack.push(c[pc + 2]); pc += 3; break;
      case 0x42: stack.push(BigInt.asIntN(64, (BigInt(c[pc + 3]) << 32n) | BigInt(c[pc + 2] >>> 0))); pc += 4; break;
      case 0x43: stack.push({ lo: c[pc + 2], hi: 0 }); pc += 3; break; // f32.const [bits]
      case 0x44: stack.push({ lo: c[pc + 2], hi: c[pc + 3] }); pc += 4; break; // f64.const [lo, hi]
      case 0xd0: stack.push({ ref: null }); pc += 3; break;
      case 0xd2: stack.push({ ref: inst.func(c[pc + 2]) }); pc += 3; break;
      case 0x23: {
        const g = inst.globals[c[pc + 2]];
        const t = g.type.valtype;
        if (t === I32) stack.push(g.cell[0]);
        else if (t === I64) stack.push(BigInt.asIntN(64, (BigInt(g.cell[1]) << 32n) | BigInt(g.cell[0] >>> 0)));
        else if (t === F32 || t === F64) stack.push({ lo: g.cell[0], hi: g.cell[1] });
        else stack.push({ ref: g.ref });
        pc += 3;
        break;
      }
      case 0x6a: case 0x6b: case 0x6c: {
        const b = stack.pop() as number, a = stack.pop() as number;
        stack.push(op === 0x6a ? (a + b) | 0 : op === 0x6b ? (a - b) | 0 : Math.imul(a, b));
        pc += 2;
        break;
      }
      case 0x7c: case 0x7d: case 0x7e: {
        const b = stack.pop() as bigint, a = stack.pop() as bigint;
        stack.push(BigInt.asIntN(64, op === 0x7c ? a + b : op === 0x7d ? a - b : a * b));
        pc += 2;
        break;
      }
      default:
        throw new Error(`internal: unsupported constant instruction 0x${op.toString(16)}`);
    }
  }
}
