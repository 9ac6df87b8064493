/**
 * The validator (spec chapter 3; WebAssembly 2.0, and the 3.0 features
 * behind their switches): `validate(module, config)` checks a decoded module
 * against the validation rules, the determinism policy, the feature flags and
 * the resource limits, and returns what the later stages need
 * (`ValidatedModule`: the module and its index spaces).
 *
 * Module-level order follows the spec's reference interpreter: types,
 * imports, tables, memories, tags, globals, element and data segments,
 * functions, start, exports.
 */
import { InvalidError, LimitError } from '../errors.js';
import type { Features, ResolvedConfig } from '../config.js';
import type { DecodedModule, expr, functype, limits, memtype, tabletype } from '../decoder/module.js';
import { valtypeName } from '../decoder/module.js';
import { Op, instrLength } from '../decoder/opcodes.js';
import { indexSpaces } from '../decoder/spaces.js';
import { CONCRETE, FUNCREF, I32, I64, NON_NULL, concreteIndex, isNullable, matchesType } from '../decoder/valtype.js';
import type { Context } from './context.js';
import { validateConstExpr } from './const.js';
import { FuncValidator } from './func.js';
import { Policy, rejectFeature, rejectThreads } from './policy.js';
import type { ValidatedModule, ValidateStats } from './types.js';

export type { ValidatedModule, ValidateStats } from './types.js';

/** (ref func): the type of the elements of a segment given as function indices (spec 3.0). */
const REF_FUNC = FUNCREF + NON_NULL;

/**
 * Validates a decoded module. Throws `InvalidError` (spec validation),
 * `PolicyError` / `CompileError('unsupported')` (determinism policy and
 * feature flags) or `LimitError` (config.limits). The binary-format rules
 * (counts of function/code and data count/data, the data count section that
 * memory.init and data.drop need) are the decoder's.
 * `stats.steps` receives a work counter (linear in the module size).
 */
export function validate(module: DecodedModule, config: ResolvedConfig, stats?: ValidateStats): ValidatedModule {
  const f = config.features;
  const lim = config.limits;
  const policy = new Policy(f, module.types.length);
  let steps = 0;

  // ---- types (spec 3.2.6): policy on every value type; references to later types are unknown ----
  for (let i = 0; i < module.types.length; i++) {
    const ft = module.types[i];
    const check = (t: number, what: string): void => {
      policy.valtype(t, what);
      if (t >= CONCRETE && concreteIndex(t) > i) throw new InvalidError(`unknown type ${concreteIndex(t)} (${what})`);
    };
    for (const t of ft.params) check(t, `parameter in type ${i}`);
    for (const t of ft.results) check(t, `result in type ${i}`);
    if (ft.results.length > 1 && !f.multiValue) rejectFeature('multi-value', `type ${i} with ${ft.results.length} results`);
    steps += 1 + ft.params.length + ft.results.length;
  }
  const canon = canonicalTypes(module.types);
  const typeAt = (x: number, offset: number | undefined): functype => {
    if (x >= module.types.length) throw new InvalidError(`unknown type ${x}`, offset);
    return module.types[x];
  };
  const checkTag = (x: number, what: string, offset: number | undefined): void => {
    if (!f.exceptions) rejectFeature('exceptions', what, offset);
    const ft = typeAt(x, offset);
    if (ft.results.length !== 0) throw new InvalidError(`non-empty tag result type (${what})`, offset);
  };

  // ---- imports (spec 3.4.9) ----
  for (const im of module.imports) {
    const d = im.desc;
    const what = `import "${im.module}" "${im.name}"`;
    switch (d.kind) {
      case 'func':
        typeAt(d.typeidx, im.offset);
        break;
      case 'table':
        checkTableType(d.type, config, policy, what, im.offset);
        break;
      case 'memory':
        checkMemType(d.type, config, what, im.offset);
        break;
      case 'global':
        policy.valtype(d.type.valtype, `global ${what}`, im.offset);
        if (d.type.mutable && !f.mutableGlobals) rejectFeature('mutable-globals', `mutable global ${what}`, im.offset);
        break;
      case 'tag':
        checkTag(d.typeidx, `tag ${what}`, im.offset);
        break;
    }
    steps++;
  }

  // ---- functions, tables, memories, tags (spec 3.4.1-3.4.3) ----
  // (the decoder guarantees one code entry per function and a data count that
  // matches the data section, and rejects memory.init/data.drop without one)
  for (let i = 0; i < module.funcs.length; i++) typeAt(module.funcs[i], module.codes[i].offset);
  for (let i = 0; i < module.tags.length; i++) checkTag(module.tags[i], `tag ${i}`, undefined);
  steps += module.funcs.length + module.tags.length;
  const spaces = indexSpaces(module);
  const { funcTypes, tableTypes, memTypes, globalTypes, numImportedFuncs, numImportedTables, numImportedMems, numImportedGlobals } = spaces;
  if (funcTypes.length > lim.maxFunctions) throw new LimitError('maxFunctions', lim.maxFunctions, funcTypes.length);
  for (let i = 0; i < module.tables.length; i++) {
    checkTableType(module.tables[i], config, policy, `table ${numImportedTables + i}`, undefined);
  }
  if (tableTypes.length > lim.maxTables) throw new LimitError('maxTables', lim.maxTables, tableTypes.length);
  if (tableTypes.length > 1 && !f.referenceTypes) rejectFeature('reference-types', `${tableTypes.length} tables`);
  for (let i = 0; i < module.mems.length; i++) {
    checkMemType(module.mems[i], config, `memory ${numImportedMems + i}`, undefined);
  }
  if (memTypes.length > lim.maxMemories) throw new LimitError('maxMemories', lim.maxMemories, memTypes.length);
  // spec 3.4.10 (2.0): at most one memory, a rule of 2.0's validation (so an
  // InvalidError, as 2.0 says, when multi-memory is off).
  if (memTypes.length > 1 && !f.multiMemory) {
    throw new InvalidError(`multiple memories are not allowed (module has ${memTypes.length}; they need the multi-memory feature)`);
  }
  steps += module.tables.length + module.mems.length;

  // ---- C.refs (spec 3.4.10): functions referenced outside function bodies ----
  const refs = new Uint8Array(funcTypes.length);
  const markRefs = (e: expr | null): void => {
    if (!e) return;
    const code = e.code;
    for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
      if (code[pc] === Op.ref_func) {
        const x = code[pc + 2] >>> 0;
        if (x < refs.length) refs[x] = 1;
      }
      steps++;
    }
  };
  for (const g of module.globals) markRefs(g.init);
  for (const e of module.tableInits) markRefs(e);
  for (const el of module.elems) {
    markRefs(el.offsetExpr);
    if (el.funcs) for (let k = 0; k < el.funcs.length; k++) { if (el.funcs[k] < refs.length) refs[el.funcs[k]] = 1; }
    if (el.exprs) for (const e of el.exprs) markRefs(e);
    steps += el.length;
  }
  for (const d of module.datas) markRefs(d.offsetExpr);
  for (const ex of module.exports) if (ex.kind === 'func' && ex.index < refs.length) refs[ex.index] = 1;

  // The context for module-level constant expressions: the imported globals
  // (spec 3.4.10, 2.0); with extended constants the globals before the one
  // being defined are added one by one.
  const elemTypes = module.elems.map((el) => (el.funcs && f.functionReferences ? REF_FUNC : el.type));
  const ctx: Context = {
    types: module.types,
    funcs: funcTypes,
    funcTypeIdx: spaces.funcTypeIndices,
    tables: tableTypes,
    mems: memTypes,
    tags: spaces.tagTypes,
    canon,
    globals: globalTypes.slice(0, numImportedGlobals),
    elems: elemTypes,
    numDatas: module.datas.length,
    refs,
    features: f,
    policy,
    limits: lim,
  };

  // ---- table initializers (typed function references: 0x40 0x00 tables) ----
  for (let i = 0; i < module.tables.length; i++) {
    const tt = module.tables[i];
    const init = module.tableInits[i];
    const ti = numImportedTables + i;
    if (init) {
      if (!f.functionReferences) rejectFeature('function-references', `initializer of table ${ti}`, init.offset);
      steps += validateConstExpr(init, tt.elemtype, ctx, `initializer of table ${ti}`);
    } else if (!isNullable(tt.elemtype)) {
      throw new InvalidError(`type mismatch: table ${ti} of non-nullable ${valtypeName(tt.elemtype)} needs an initializer`);
    }
  }

  // ---- globals (spec 3.4.4) ----
  for (let i = 0; i < module.globals.length; i++) {
    const g = module.globals[i];
    const gi = numImportedGlobals + i;
    policy.valtype(g.type.valtype, `global ${gi}`, g.offset);
    steps += validateConstExpr(g.init, g.type.valtype, ctx, `initializer of global ${gi}`);
    if (f.extendedConst) ctx.globals.push(g.type);
  }
  if (globalTypes.length > lim.maxGlobals) throw new LimitError('maxGlobals', lim.maxGlobals, globalTypes.length);

  // ---- element segments (spec 3.4.5) ----
  if (module.elems.length > lim.maxElemSegments) throw new LimitError('maxElemSegments', lim.maxElemSegments, module.elems.length);
  for (let i = 0; i < module.elems.length; i++) {
    const el = module.elems[i];
    const et = elemTypes[i];
    if (!el.funcs) policy.reftype(el.type, `element segment ${i}`, el.offset);
    if (el.length > lim.maxElemSegmentLength) throw new LimitError('maxElemSegmentLength', lim.maxElemSegmentLength, el.length, el.offset);
    if (el.mode === 'passive' && !f.bulkMemory) rejectFeature('bulk-memory', `passive element segment ${i}`, el.offset);
    if (el.mode === 'declarative' && !f.referenceTypes) rejectFeature('reference-types', `declarative element segment ${i}`, el.offset);
    if (el.mode === 'active') {
      if (el.table !== 0 && !f.referenceTypes) rejectFeature('reference-types', `element segment ${i} for table ${el.table}`, el.offset);
      if (el.table >= tableTypes.length) throw new InvalidError(`unknown table ${el.table}`, el.offset);
      const tt = tableTypes[el.table];
      if (!matchesType(et, tt.elemtype, canon)) {
        throw new InvalidError(`type mismatch: element segment ${i} of ${valtypeName(et)} for ${valtypeName(tt.elemtype)} table ${el.table}`, el.offset);
      }
      if (!el.offsetExpr) throw new InvalidError(`active element segment ${i} has no offset`, el.offset);
      steps += validateConstExpr(el.offsetExpr, tt.is64 ? I64 : I32, ctx, `offset of element segment ${i}`);
    }
    if (el.funcs) {
      if (el.type !== FUNCREF) throw new InvalidError(`type mismatch: element segment ${i} lists functions but has type ${valtypeName(el.type)}`, el.offset);
      for (let k = 0; k < el.funcs.length; k++) {
        const x = el.funcs[k];
        if (x >= funcTypes.length) throw new InvalidError(`unknown function ${x}`, el.offset);
      }
      steps += el.funcs.length;
    }
    if (el.exprs) {
      for (const e of el.exprs) steps += validateConstExpr(e, el.type, ctx, `element of segment ${i}`);
    }
  }

  // ---- data segments (spec 3.4.6) ----
  if (module.datas.length > lim.maxDataSegments) throw new LimitError('maxDataSegments', lim.maxDataSegments, module.datas.length);
  if (module.dataCount !== null && !f.bulkMemory) rejectFeature('bulk-memory', 'data count section');
  for (let i = 0; i < module.datas.length; i++) {
    const d = module.datas[i];
    if (d.mode === 'passive') {
      if (!f.bulkMemory) rejectFeature('bulk-memory', `passive data segment ${i}`, d.offset);
      continue;
    }
    if (d.memory >= memTypes.length) throw new InvalidError(`unknown memory ${d.memory}`, d.offset);
    if (!d.offsetExpr) throw new InvalidError(`active data segment ${i} has no offset`, d.offset);
    steps += validateConstExpr(d.offsetExpr, memTypes[d.memory].is64 ? I64 : I32, ctx, `offset of data segment ${i}`);
  }

  // ---- function bodies (spec 3.4.1), with the full context C ----
  ctx.globals = globalTypes;
  const fv = new FuncValidator(ctx);
  const n = module.codes.length;
  for (let i = 0; i < n; i++) {
    const code = module.codes[i];
    const funcIndex = numImportedFuncs + i;
    const ft = funcTypes[funcIndex];
    if (code.size > lim.maxFunctionBodySize) {
      throw new LimitError('maxFunctionBodySize', lim.maxFunctionBodySize, code.size, code.offset, funcIndex);
    }
    const numLocals = ft.params.length + code.numLocals;
    if (numLocals > lim.maxLocals) throw new LimitError('maxLocals', lim.maxLocals, numLocals, code.offset, funcIndex);
    steps += code.locals.length;
    fv.validate(funcIndex, module.funcs[i], code.locals, code.body);
  }
  steps += fv.steps;

  // ---- start function (spec 3.4.7) ----
  if (module.start !== null) {
    const x = module.start;
    if (x >= funcTypes.length) throw new InvalidError(`unknown function ${x} (start function)`);
    const ft = funcTypes[x];
    if (ft.params.length !== 0 || ft.results.length !== 0) {
      throw new InvalidError(`start function must have type [] -> [], function ${x} does not`);
    }
  }

  // ---- exports (spec 3.4.8) ----
  const names = new Set<string>();
  for (const ex of module.exports) {
    switch (ex.kind) {
      case 'func':
        if (ex.index >= funcTypes.length) throw new InvalidError(`unknown function ${ex.index}`, ex.offset);
        break;
      case 'table':
        if (ex.index >= tableTypes.length) throw new InvalidError(`unknown table ${ex.index}`, ex.offset);
        break;
      case 'memory':
        if (ex.index >= memTypes.length) throw new InvalidError(`unknown memory ${ex.index}`, ex.offset);
        break;
      case 'global':
        if (ex.index >= globalTypes.length) throw new InvalidError(`unknown global ${ex.index}`, ex.offset);
        if (globalTypes[ex.index].mutable && !f.mutableGlobals) {
          rejectFeature('mutable-globals', `export of mutable global ${ex.index} as "${ex.name}"`, ex.offset);
        }
        break;
      case 'tag':
        if (ex.index >= spaces.tagTypes.length) throw new InvalidError(`unknown tag ${ex.index}`, ex.offset);
        break;
    }
    if (names.has(ex.name)) throw new InvalidError(`duplicate export name "${ex.name}"`, ex.offset);
    names.add(ex.name);
    steps++;
  }

  // Floats are typed like other values; a module using them is rejected only now.
  policy.finish();
  if (stats) stats.steps += steps;
  return { module, ...spaces };
}

/**
 * Canonical type indices (spec 3.0, 3.4.1 "type equivalence", without rec
 * groups: every type is its own group): `canon[i]` is the first index whose
 * function type has the same parameters and results, concrete references
 * compared by their canonical indices and a reference of a type to itself
 * counting as "self". Equivalent types are then one canonical index.
 */
export function canonicalTypes(types: readonly functype[]): Int32Array {
  const canon = new Int32Array(types.length);
  const seen = new Map<string, number>();
  for (let i = 0; i < types.length; i++) {
    const ft = types[i];
    const key = (t: number): string => {
      if (t < CONCRETE) return String(t);
      const x = concreteIndex(t);
      const nn = t & 1 ? 'r' : 'n';
      return x === i ? `${nn}self` : x < i ? `${nn}${canon[x]}` : `${nn}?${x}`;
    };
    const k = `${ft.params.map(key).join(',')}>${ft.results.map(key).join(',')}`;
    const prev = seen.get(k);
    if (prev === undefined) {
      seen.set(k, i);
      canon[i] = i;
    } else canon[i] = prev;
  }
  return canon;
}

/** spec 3.2.2 limits within range k. */
function checkLimits(l: limits, k: number, what: string, rangeMessage: string, offset: number | undefined): void {
  if (l.min > k) throw new InvalidError(`${rangeMessage} (${what} minimum is ${l.min})`, offset);
  if (l.max !== undefined) {
    if (l.max > k) throw new InvalidError(`${rangeMessage} (${what} maximum is ${l.max})`, offset);
    if (l.min > l.max) throw new InvalidError(`size minimum must not be greater than maximum (${what}: ${l.min} > ${l.max})`, offset);
  }
}

/** spec 3.2.4 table types (table64: 64-bit sizes). */
function checkTableType(t: tabletype, config: ResolvedConfig, policy: Policy, what: string, offset: number | undefined): void {
  policy.reftype(t.elemtype, what, offset);
  if (t.is64 && !config.features.memory64) rejectFeature('memory64', `64-bit ${what}`, offset);
  if (t.is64) checkLimits(t.limits, 2 ** 64 - 1, what, 'table size must be at most 2^64-1', offset);
  else checkLimits(t.limits, 0xffffffff, what, 'table size must be at most 2^32-1', offset);
  const max = config.limits.maxTableSize;
  if (t.limits.min > max) throw new LimitError('maxTableSize', max, t.limits.min, offset);
}

/**
 * spec 3.2.3 memory types (+ the threads policy for shared memories,
 * memory64, custom page sizes: only 1 byte and 64 KiB pages). The size
 * bound is 2^32 bytes for 32-bit memories and 2^64 bytes (2^48 64 KiB pages)
 * for 64-bit ones, in pages of the memory's page size, and at most 2^32-1
 * (2^64-1) pages.
 */
function checkMemType(t: memtype, config: ResolvedConfig, what: string, offset: number | undefined): void {
  const f: Features = config.features;
  if (t.shared) rejectThreads(f, `shared ${what}`, offset);
  if (t.is64 && !f.memory64) rejectFeature('memory64', `64-bit ${what}`, offset);
  if (t.pageSizeLog2 !== 16) {
    if (!f.customPageSizes) rejectFeature('custom-page-sizes', `page size 2^${t.pageSizeLog2} of ${what}`, offset);
    if (t.pageSizeLog2 !== 0) throw new InvalidError(`invalid custom page size 2^${t.pageSizeLog2} (${what})`, offset);
  }
  // at most 2^bits bytes and at most 2^bits - 1 pages (custom-page-sizes)
  const p = t.pageSizeLog2;
  const bits = t.is64 ? 64 : 32;
  const k = Math.min(2 ** (bits - p), 2 ** bits - 1);
  const range = p === 16 && !t.is64 ? 'memory size must be at most 65536 pages (4GiB)' : `memory size must be at most ${p === 16 ? '2^48' : `2^${bits}-1`} pages`;
  checkLimits(t.limits, k, what, range, offset);
  // the engine's limit is in 64 KiB pages
  const max = config.limits.maxMemoryPages;
  const minPages = t.limits.min / 2 ** (16 - p);
  if (minPages > max) throw new LimitError('maxMemoryPages', max, t.limits.min, offset);
}
