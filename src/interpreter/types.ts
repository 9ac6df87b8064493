/**
 * Function types across modules (spec 3.0, 3.4.1 "type equivalence"): the
 * structural ids that call_indirect, import linking and the JS boundary
 * compare, and value types in module-independent terms.
 */
import type { functype, valtype } from '../decoder/module.js';
import { CONCRETE, concreteIndex } from '../decoder/valtype.js';
import { typeIdOf } from './runtime.js';

/** The structural ids of each module's function types (`typeIdsOf`), computed once per type section. */
const typeIdCache = new WeakMap<readonly functype[], Int32Array>();

/**
 * The structural id of every function type of a module (spec 3.0, 3.4.1
 * "type equivalence" without GC's rec groups: every type is its own group),
 * the key call_indirect and import matching compare across modules. A type's
 * id is `typeIdOf` of the type with each concrete reference `(ref null? $t)`
 * naming the id of `$t` instead of the module's index `$t`, and a reference
 * of a type to itself naming id 0 ("self"; ids start at 1): two types of any
 * modules get one id exactly when they are equivalent. A type refers only to
 * earlier types and itself, so one pass in index order resolves them all.
 * A type without concrete references keeps `typeIdOf`'s id (a `HostFunc`'s
 * type matches it).
 */
export function typeIdsOf(types: readonly functype[]): Int32Array {
  let ids = typeIdCache.get(types);
  if (ids !== undefined) return ids;
  ids = new Int32Array(types.length);
  for (let i = 0; i < types.length; i++) {
    const own = ids;
    const resolve = (t: valtype): valtype => {
      const x = concreteIndex(t);
      return x < 0 ? t : CONCRETE + 2 * (x === i ? 0 : own[x]) + (t & 1);
    };
    const ft = types[i];
    ids[i] = typeIdOf({ params: ft.params.map(resolve), results: ft.results.map(resolve) });
  }
  typeIdCache.set(types, ids);
  for (const ft of types) {
    const link = (t: valtype): valtype => {
      const x = concreteIndex(t);
      return x < 0 ? t : CONCRETE + 2 * ids![x] + (t & 1);
    };
    linkedTypes.set(ft, { params: ft.params.map(link), results: ft.results.map(link) });
  }
  return ids;
}

/** A module's function type with its concrete references in module-independent terms (`linkedFuncType`). */
const linkedTypes = new WeakMap<functype, functype>();

/**
 * Function type `t` of a module (an element of its type section) with every
 * concrete reference type in module-independent terms (`linkType`), as the
 * JS boundary converts values by it: a function given for `(ref $t)` must
 * have the structural id `linkType` names. A type that no `typeIdsOf` has
 * seen (a `HostFunc`'s, a `Tag`'s made in JS) has no concrete references and
 * is itself.
 */
export function linkedFuncType(t: functype): functype {
  return linkedTypes.get(t) ?? t;
}

/**
 * A value type in module-independent terms, for matching imports across
 * modules (typed function references, WebAssembly 3.0): a concrete reference
 * type `(ref null? $t)` names the structural id of `$t` (`typeIdsOf`)
 * instead of the module's type index. Other types are themselves.
 */
export function linkType(t: valtype, types: readonly functype[]): valtype {
  const i = concreteIndex(t);
  if (i < 0) return t;
  return CONCRETE + 2 * typeIdsOf(types)[i] + (t & 1);
}
