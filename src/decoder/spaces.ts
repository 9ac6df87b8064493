/**
 * The index spaces of a module (spec 2.5.1 "Indices"): functions, tables,
 * memories, globals and tags, each with the imports first, then the module's own
 * definitions. Built here once for every stage that needs them (validator,
 * `Module.imports()/exports()`, the CLI).
 */
import type { DecodedModule, functype, globaltype, memtype, tabletype } from './module.js';

/** The types of every index space, imports first. */
export interface IndexSpaces {
  /** Type of every function (C.funcs). */
  funcTypes: functype[];
  /** Type of every table (C.tables). */
  tableTypes: tabletype[];
  /** Type of every memory (C.mems). */
  memTypes: memtype[];
  /** Type of every global (C.globals). */
  globalTypes: globaltype[];
  /** Type index of every function. */
  funcTypeIndices: number[];
  /** Function type of every tag (C.tags, exception handling). */
  tagTypes: functype[];
  /** Number of imported functions, tables, memories, globals (they come first in each space). */
  numImportedFuncs: number;
  numImportedTables: number;
  numImportedMems: number;
  numImportedGlobals: number;
  numImportedTags: number;
}

/**
 * The index spaces of `m`. Function and tag types are looked up by type
 * index without a range check: call it on a validated module, or after
 * checking every function's and tag's type index (the validator does).
 */
export function indexSpaces(m: DecodedModule): IndexSpaces {
  const funcTypes: functype[] = [];
  const tableTypes: tabletype[] = [];
  const memTypes: memtype[] = [];
  const globalTypes: globaltype[] = [];
  const funcTypeIndices: number[] = [];
  const tagTypes: functype[] = [];
  for (const im of m.imports) {
    const d = im.desc;
    switch (d.kind) {
      case 'func': funcTypes.push(m.types[d.typeidx]); funcTypeIndices.push(d.typeidx); break;
      case 'tag': tagTypes.push(m.types[d.typeidx]); break;
      case 'table': tableTypes.push(d.type); break;
      case 'memory': memTypes.push(d.type); break;
      case 'global': globalTypes.push(d.type); break;
    }
  }
  const numImportedFuncs = funcTypes.length;
  const numImportedTables = tableTypes.length;
  const numImportedMems = memTypes.length;
  const numImportedGlobals = globalTypes.length;
  const numImportedTags = tagTypes.length;
  for (const x of m.funcs) {
    funcTypes.push(m.types[x]);
    funcTypeIndices.push(x);
  }
  for (const x of m.tags) tagTypes.push(m.types[x]);
  for (const t of m.tables) tableTypes.push(t);
  for (const t of m.mems) memTypes.push(t);
  for (const g of m.globals) globalTypes.push(g.type);
  return {
    funcTypes, tableTypes, memTypes, globalTypes, funcTypeIndices, tagTypes,
    numImportedFuncs, numImportedTables, numImportedMems, numImportedGlobals, numImportedTags,
  };
}
