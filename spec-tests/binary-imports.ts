/**
 * Reads the module names of a binary's imports (spec 5.5.5), independently of
 * any engine, so the runner can tell whether a link failure involves a
 * registered module that was skipped. Returns what it could read before any
 * malformation.
 */
export function importModuleNames(bytes: Uint8Array): string[] {
  const names: string[] = [];
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
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
  try {
    while (pos < bytes.length) {
      const id = bytes[pos++];
      const size = u32();
      const end = pos + size;
      if (id !== 2) { pos = end; continue; }
      const count = u32();
      for (let k = 0; k < count; k++) {
        names.push(name());
        name();
        const kind = bytes[pos++];
        if (kind === 0) u32();
        else if (kind === 1) { pos++; limits(); }
        else if (kind === 2) limits();
        else if (kind === 3) pos += 2;
        else break;
      }
      break;
    }
  } catch {
    // malformed: keep what was read
  }
  return names;
}
