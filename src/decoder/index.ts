/**
 * The strict binary decoder (spec chapter 5): bytes -> `DecodedModule`.
 *
 * Throws `MalformedError` for anything that is not a well-formed binary (with
 * the offset of the offending byte) and `LimitError` when the module exceeds a
 * decode-time limit. Work and memory are linear in the input size: every
 * count is checked against the remaining bytes before it is used.
 */
import { LimitError } from '../errors.js';
import { DEFAULT_FEATURES, DEFAULT_LIMITS, type Features, type Limits } from '../config.js';
import type { DecodedModule } from './module.js';
import { Reader, EOF_SECTION, EOF_TOP } from './reader.js';
import { InstrWriter } from './instructions.js';
import * as S from './sections.js';

export { instrLength, immediateKind, Imm } from './opcodes.js';
export type { DecodedModule } from './module.js';

/** Section ids (5.5.2). */
export const SectionId = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  datacount: 12,
  tag: 13,
} as const;

/**
 * Position of each non-custom section id in the required order (5.5.16):
 * type import function table memory tag global export start element datacount code data.
 */
const SECTION_RANK = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6];

const SECTION_DECODERS: Array<(r: Reader, st: S.DecodeState) => void> = [
  () => undefined, // custom: handled separately
  S.typeSection,
  S.importSection,
  S.functionSection,
  S.tableSection,
  S.memorySection,
  S.globalSection,
  S.exportSection,
  S.startSection,
  S.elementSection,
  S.codeSection,
  S.dataSection,
  S.dataCountSection,
  S.tagSection,
];

const MAGIC = [0x00, 0x61, 0x73, 0x6d];
const VERSION = [0x01, 0x00, 0x00, 0x00];

function sameBytes(a: Uint8Array, b: readonly number[]): boolean {
  return a.every((x, i) => x === b[i]);
}

/**
 * Decodes a module binary. `features` select the binary grammar where
 * WebAssembly 2.0 and a later feature differ (see `ExprOptions.features`);
 * everything else a feature adds is decoded always and checked by the
 * validator.
 */
export function decode(bytes: Uint8Array, limits: Limits = DEFAULT_LIMITS, features: Features = DEFAULT_FEATURES): DecodedModule {
  if (bytes.length > limits.maxModuleSize) {
    throw new LimitError('maxModuleSize', limits.maxModuleSize, bytes.length, 0);
  }
  const r = new Reader(bytes, 0, bytes.length, EOF_TOP);
  // Preamble (5.5.16): magic, then version, each read whole before it is
  // compared (a binary shorter than 4 bytes is "unexpected end", as in the
  // reference interpreter).
  if (!sameBytes(r.bytesView(4), MAGIC)) r.fail('magic header not detected', 0);
  if (!sameBytes(r.bytesView(4), VERSION)) r.fail('unknown binary version', 4);

  const module: DecodedModule = {
    types: [],
    imports: [],
    funcs: [],
    tables: [],
    tableInits: [],
    mems: [],
    tags: [],
    globals: [],
    exports: [],
    start: null,
    elems: [],
    datas: [],
    dataCount: null,
    codes: [],
    customs: [],
    byteLength: bytes.length,
  };
  const st: S.DecodeState = {
    module,
    limits,
    features,
    writer: new InstrWriter(),
    importedFuncs: 0,
    importedTables: 0,
    importedGlobals: 0,
    importedMems: 0,
  };

  let lastRank = 0;
  /** Offsets of the function and data count sections, for the final consistency errors. */
  let functionAt = bytes.length;
  let dataCountAt = bytes.length;
  while (!r.atEnd()) {
    const idAt = r.pos;
    const id = r.u8();
    if (id > 13) r.fail(`malformed section id ${id}`, idAt);
    const sizeAt = r.pos;
    const size = r.u32();
    if (size > r.remaining()) r.fail('length out of bounds', sizeAt);
    const start = r.pos;
    const end = start + size;
    const sr = new Reader(bytes, start, end, EOF_SECTION);
    if (id === SectionId.custom) {
      S.customSection(sr, st, idAt);
    } else {
      const rank = SECTION_RANK[id];
      // Each non-custom section at most once, in order (5.5.2).
      if (rank <= lastRank) r.fail('unexpected content after last section', idAt);
      lastRank = rank;
      if (id === SectionId.function) functionAt = idAt;
      if (id === SectionId.datacount) dataCountAt = idAt;
      SECTION_DECODERS[id](sr, st);
    }
    if (sr.pos !== end) r.fail('section size mismatch', sr.pos);
    r.pos = end;
  }

  // Function and code section counts (also a function section without a code
  // section), and a data count without a data section (a present data section
  // checks its own count).
  if (module.codes.length !== module.funcs.length) {
    r.fail('function and code section have inconsistent lengths', functionAt);
  }
  if (module.dataCount !== null && module.datas.length !== module.dataCount) {
    r.fail('data count and data section have inconsistent lengths', dataCountAt);
  }
  return module;
}
