/**
 * Section headers of a module binary (spec 5.5.2), for `detwasm inspect`.
 * Only called on binaries the decoder has already accepted.
 */
export interface SectionInfo {
  id: number;
  name: string;
  /** Offset of the section's id byte. */
  offset: number;
  /** Size of the section's contents in bytes (the header excluded). */
  size: number;
}

const SECTION_NAMES = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount', 'tag'];

function readU32(bytes: Uint8Array, pos: number): [value: number, next: number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[pos++];
    if (b === undefined) throw new RangeError('unexpected end of module');
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7;
  }
}

export function listSections(bytes: Uint8Array): SectionInfo[] {
  const out: SectionInfo[] = [];
  let pos = 8;
  while (pos < bytes.length) {
    const offset = pos;
    const id = bytes[pos++];
    const [size, start] = readU32(bytes, pos);
    let name = SECTION_NAMES[id] ?? `unknown(${id})`;
    if (id === 0) {
      const [len, at] = readU32(bytes, start);
      name = `custom "${new TextDecoder().decode(bytes.subarray(at, at + len))}"`;
    }
    out.push({ id, name, offset, size });
    pos = start + size;
  }
  return out;
}
