/**
 * Mutators for module binaries: bit flips, byte edits, insertions, deletions,
 * truncations, LEB128 stretches, and section swaps/duplicates/removals. Each
 * mutation is a pure function of (input, rng) so a seed reproduces it.
 */
import { Rng } from './prng.js';
import { uleb } from './encode.js';

export interface SectionSpan {
  id: number;
  /** Offset of the id byte. */
  start: number;
  /** Offset just past the section's content. */
  end: number;
  /** Offset of the size LEB and its byte length. */
  sizeAt: number;
  sizeLen: number;
}

/** Splits a binary into its sections (best effort: stops at the first malformed header). */
export function sections(b: Uint8Array): SectionSpan[] {
  const out: SectionSpan[] = [];
  let p = 8;
  while (p < b.length) {
    const start = p;
    const id = b[p++];
    const sizeAt = p;
    const leb = readUleb(b, p);
    if (!leb) break;
    p += leb.len;
    const end = p + leb.value;
    if (end > b.length) break;
    out.push({ id, start, end, sizeAt, sizeLen: leb.len });
    p = end;
  }
  return out;
}

export function readUleb(b: Uint8Array, p: number): { value: number; len: number } | null {
  let result = 0;
  let shift = 0;
  for (let i = 0; i < 5; i++) {
    if (p + i >= b.length) return null;
    const byte = b[p + i];
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return { value: result, len: i + 1 };
  }
  return null;
}

function splice(b: Uint8Array, at0: number, del0: number, ins: ArrayLike<number>): Uint8Array<ArrayBuffer> {
  const at = Math.max(0, Math.min(at0, b.length));
  const del = Math.max(0, Math.min(del0, b.length - at));
  const out = new Uint8Array(b.length - del + ins.length);
  out.set(b.subarray(0, at), 0);
  out.set(Array.from(ins), at);
  out.set(b.subarray(at + del), at + ins.length);
  return out;
}

/**
 * Re-encodes the LEB128 at `p` with `extra` redundant continuation bytes, and
 * fixes the enclosing section's size so only the stretched field changes. A
 * u32 stays well-formed up to 5 bytes; longer is malformed (spec 5.2.2).
 */
export function stretchLeb(b: Uint8Array, p: number, extra: number): Uint8Array<ArrayBuffer> | null {
  const leb = readUleb(b, p);
  if (!leb) return null;
  const enc = uleb(leb.value, leb.len + extra);
  let out = splice(b, p, leb.len, enc);
  const grow = enc.length - leb.len;
  // Fix the size of the section containing p (when p is inside a section body).
  for (const s of sections(b)) {
    if (p > s.sizeAt + s.sizeLen - 1 && p < s.end) {
      const size = s.end - (s.sizeAt + s.sizeLen) + grow;
      out = splice(out, s.sizeAt, s.sizeLen, uleb(size, s.sizeLen));
      break;
    }
  }
  return out;
}

export type MutationKind =
  | 'bitflip' | 'byte' | 'insert' | 'delete' | 'truncate' | 'leb-stretch' | 'leb-overlong'
  | 'section-swap' | 'section-dup' | 'section-drop' | 'section-size' | 'interesting-u32'
  | 'opcode-swap' | 'valtype-swap';

const KINDS: MutationKind[] = [
  'bitflip', 'bitflip', 'byte', 'byte', 'insert', 'delete', 'truncate', 'leb-stretch', 'leb-overlong',
  'section-swap', 'section-dup', 'section-drop', 'section-size', 'interesting-u32',
  'opcode-swap', 'opcode-swap', 'opcode-swap', 'valtype-swap', 'valtype-swap',
];

/** Positions in [from, to) whose byte satisfies `pred`. */
function positions(b: Uint8Array, from: number, to: number, pred: (x: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) if (pred(b[i])) out.push(i);
  return out;
}

/** Applies one random mutation; returns the new bytes and a description. */
export function mutate(input: Uint8Array, rng: Rng): { bytes: Uint8Array<ArrayBuffer>; what: string } {
  const b = input;
  const kind = rng.pick(KINDS);
  const pos = (): number => 8 + rng.int(Math.max(1, b.length - 8));
  const secs = sections(b);
  switch (kind) {
    case 'bitflip': {
      const p = pos();
      const out = Uint8Array.from(b);
      if (p < out.length) out[p] ^= 1 << rng.int(8);
      return { bytes: out, what: `bitflip@${p}` };
    }
    case 'byte': {
      const p = pos();
      const out = Uint8Array.from(b);
      const v = rng.pick([0x00, 0x01, 0x7f, 0x80, 0xff, 0x40, 0x0b, 0x41, 0x42, 0x43, 0x70, 0x6f, 0x7b, 0xfc, 0xfd, 0xfe, rng.int(256)]);
      if (p < out.length) out[p] = v;
      return { bytes: out, what: `byte@${p}=${v}` };
    }
    case 'insert': {
      const p = pos();
      const n = rng.range(1, 4);
      const ins = Array.from({ length: n }, () => rng.int(256));
      return { bytes: splice(b, Math.min(p, b.length), 0, ins), what: `insert@${p}:${ins}` };
    }
    case 'delete': {
      const p = pos();
      const n = Math.min(rng.range(1, 4), b.length - p);
      return { bytes: splice(b, p, Math.max(0, n), []), what: `delete@${p}x${n}` };
    }
    case 'truncate': {
      const p = rng.int(b.length + 1);
      return { bytes: Uint8Array.from(b.subarray(0, p)), what: `truncate@${p}` };
    }
    case 'leb-stretch':
    case 'leb-overlong': {
      // Prefer real LEB positions: section sizes and the first field (usually a count) of a body.
      const cands: number[] = [];
      for (const s of secs) cands.push(s.sizeAt, s.sizeAt + s.sizeLen);
      const p = cands.length && rng.chance(0.7) ? rng.pick(cands) : pos();
      const leb = readUleb(b, p);
      if (!leb) return { bytes: Uint8Array.from(b), what: 'noop' };
      const extra = kind === 'leb-stretch' ? (leb.len >= 5 ? 0 : rng.range(1, 5 - leb.len)) : 6 - leb.len;
      const out = stretchLeb(b, p, extra);
      return { bytes: out ?? Uint8Array.from(b), what: `${kind}@${p}+${extra}` };
    }
    case 'section-swap': {
      if (secs.length < 2) return { bytes: Uint8Array.from(b), what: 'noop' };
      const i = rng.int(secs.length - 1);
      const a = secs[i];
      const c = secs[i + 1];
      const out = new Uint8Array(b.length);
      out.set(b.subarray(0, a.start), 0);
      out.set(b.subarray(c.start, c.end), a.start);
      out.set(b.subarray(a.start, a.end), a.start + (c.end - c.start));
      out.set(b.subarray(c.end), c.end);
      return { bytes: out, what: `section-swap ${a.id}<->${c.id}` };
    }
    case 'section-dup': {
      if (!secs.length) return { bytes: Uint8Array.from(b), what: 'noop' };
      const s = rng.pick(secs);
      return { bytes: splice(b, s.end, 0, b.subarray(s.start, s.end)), what: `section-dup ${s.id}` };
    }
    case 'section-drop': {
      if (!secs.length) return { bytes: Uint8Array.from(b), what: 'noop' };
      const s = rng.pick(secs);
      return { bytes: splice(b, s.start, s.end - s.start, []), what: `section-drop ${s.id}` };
    }
    case 'section-size': {
      if (!secs.length) return { bytes: Uint8Array.from(b), what: 'noop' };
      const s = rng.pick(secs);
      const size = s.end - s.sizeAt - s.sizeLen;
      const lie = rng.pick([size + 1, size - 1, 0, size + 1000, 0xffffffff, rng.int(size + 2)]);
      return { bytes: splice(b, s.sizeAt, s.sizeLen, uleb(Math.max(0, lie))), what: `section-size ${s.id}:${size}->${lie}` };
    }
    case 'opcode-swap': {
      // Inside the code section, replace an immediate-free numeric opcode by another
      // one: keeps the binary well-formed and probes the validator's typing.
      const code = secs.find(s => s.id === 10);
      const cands = code ? positions(b, code.sizeAt + code.sizeLen, code.end, x => x >= 0x45 && x <= 0xc4) : [];
      if (!cands.length) return { bytes: Uint8Array.from(b), what: 'noop' };
      const p = rng.pick(cands);
      const out = Uint8Array.from(b);
      out[p] = rng.chance(0.8) ? rng.range(0x45, 0xc4) : rng.pick([0x1a, 0x1b, 0x0f, 0x00, 0x01, 0xd1, 0x0b, 0x05]);
      return { bytes: out, what: `opcode@${p}:${b[p]}->${out[p]}` };
    }
    case 'valtype-swap': {
      const cands = positions(b, 8, b.length, x => x === 0x7f || x === 0x7e || x === 0x70 || x === 0x6f || x === 0x40);
      if (!cands.length) return { bytes: Uint8Array.from(b), what: 'noop' };
      const p = rng.pick(cands);
      const out = Uint8Array.from(b);
      out[p] = rng.pick([0x7f, 0x7e, 0x70, 0x6f, 0x40, 0x7d, 0x7b]);
      return { bytes: out, what: `valtype@${p}:${b[p]}->${out[p]}` };
    }
    case 'interesting-u32': {
      // Replace a LEB (likely a count/index/limit) with an extreme value.
      const p = pos();
      const leb = readUleb(b, p);
      if (!leb) return { bytes: Uint8Array.from(b), what: 'noop' };
      const v = rng.pick([0, 1, 0x7f, 0x80, 0xffff, 0x10000, 0x10001, 0x7fffffff, 0xffffffff, 65536, 100000]);
      return { bytes: splice(b, p, leb.len, uleb(v)), what: `u32@${p}=${v}` };
    }
  }
}
