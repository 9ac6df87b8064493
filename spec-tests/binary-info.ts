/**
 * A small, engine-independent reader for the parts of a module binary the
 * runner needs: import module names (spec 5.5.5) and the types of exported
 * functions (spec 5.5.4, 5.5.6, 5.5.10). Reads what it can; a malformed
 * binary gives partial results, never an exception.
 */

export interface FuncSig { params: number[]; results: number[] }

export interface BinaryInfo {
  /** The module names of all imports, in order. */
  importModules: string[];
  /** Exported functions by export name. */
  funcExports: Map<string, FuncSig>;
}

export function readBinaryInfo(bytes: Uint8Array): BinaryInfo {
  const info: BinaryInfo = { importModules: [], funcExports: new Map() };
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const types: FuncSig[] = [];
  const funcTypes: number[] = [];
  let pos = 8;
  const u32 = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= bytes.length) throw new RangeError('unexpected end');
      const b = bytes[pos++];
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  };
  const name = (): string => {
    const len = u32();
    const s = decoder.decode(bytes.subarray(pos, pos + len));
    pos += len;
    return s;
  };
  const limits = (): void => {
    const flags = bytes[pos++];
    u32();
    if (flags & 1) u32();
  };
  const vec = (): number[] => {
    const n = u32();
    const out: number[] = [];
    for (let k = 0; k < n; k++) out.push(bytes[pos++]);
    return out;
  };
  try {
    while (pos < bytes.length) {
      const id = bytes[pos++];
      const size = u32();
      const end = pos + size;
      if (id === 1) {
        const count = u32();
        for (let k = 0; k < count; k++) {
          if (bytes[pos++] !== 0x60) throw new RangeError('not a functype');
          const params = vec();
          types.push({ params, results: vec() });
        }
      } else if (id === 2) {
        const count = u32();
        for (let k = 0; k < count; k++) {
          info.importModules.push(name());
          name();
          const kind = bytes[pos++];
          if (kind === 0) funcTypes.push(u32());
          else if (kind === 1) { pos++; limits(); }
          else if (kind === 2) limits();
          else if (kind === 3) pos += 2;
          else throw new RangeError('bad import kind');
        }
      } else if (id === 3) {
        const count = u32();
        for (let k = 0; k < count; k++) funcTypes.push(u32());
      } else if (id === 7) {
        const count = u32();
        for (let k = 0; k < count; k++) {
          const n = name();
          const kind = bytes[pos++];
          const index = u32();
          const sig = kind === 0 ? types[funcTypes[index]] : undefined;
          if (sig) info.funcExports.set(n, sig);
        }
      }
      pos = end;
    }
  } catch {
    // malformed: keep what was read
  }
  return info;
}
