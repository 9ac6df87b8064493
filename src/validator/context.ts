/**
 * The validation context C of spec 3.1.6, built once per module.
 */
import type { Features, Limits } from '../config.js';
import type { functype, globaltype, tabletype, memtype } from '../decoder/module.js';
import type { Policy } from './policy.js';

export interface Context {
  types: functype[];
  /** C.funcs: type of every function, imports first. */
  funcs: functype[];
  /** The type index of every function, imports first. */
  funcTypeIdx: number[];
  /** C.tables */
  tables: tabletype[];
  /** C.mems */
  mems: memtype[];
  /** C.globals (for constant expressions of globals, elems and data: the imported ones only). */
  globals: globaltype[];
  /** C.tags: the function type of every tag (exception handling), imports first. */
  tags: functype[];
  /** Canonical type index of every type index: equivalent types share one (spec 3.0, 3.4.1). */
  canon: Int32Array;
  /** C.elems: the element type of every element segment. */
  elems: number[];
  /** C.datas: number of data segments. */
  numDatas: number;
  /** C.refs: 1 for every function a `ref.func` in a body may name. */
  refs: Uint8Array;
  features: Features;
  /** The determinism policy (records float use). */
  policy: Policy;
  limits: Limits;
}
