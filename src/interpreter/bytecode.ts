/**
 * The internal bytecode: a compiled function is one `Int32Array` of records
 * `[op, fields...]`. The instruction set — op numbers, fields, semantics — is
 * declared once in isa.ts; ops.ts (generated from it) has the numbers,
 * lengths and field positions. Slot fields are offsets from the frame pointer
 * (every wasm value takes two slots, DESIGN.md); a `target` field is an
 * absolute position in the same array followed by the gas charged there.
 */
import { OP_COUNT, OP_COUNT_AT, OP_LENGTH, OP_NAMES } from './ops.js';

export { Op } from './ops.js';

/** Length of the record at `pc` (br_table forms: n + 1 (target, gas) pairs follow the fixed fields). */
export function opLength(code: Int32Array, pc: number): number {
  const op = code[pc];
  if (!(op >= 0 && op < OP_COUNT)) throw new Error(`opLength: unknown op ${op} at ${pc}`);
  const c = OP_COUNT_AT[op];
  return c === 0 ? OP_LENGTH[op] : OP_LENGTH[op] + 2 * (code[pc + c] + 1);
}

/** Human-readable listing of a compiled function (for debugging and tests): `pc: NAME words...`, names as in `Op`. */
export function disassemble(code: Int32Array): string {
  const lines: string[] = [];
  for (let pc = 0; pc < code.length; pc += opLength(code, pc)) {
    const op = code[pc];
    const words = Array.from(code.subarray(pc + 1, pc + opLength(code, pc)));
    lines.push(`${String(pc).padStart(5)}: ${OP_NAMES[op].toUpperCase().replace(/\./g, '_')} ${words.join(' ')}`);
  }
  return lines.join('\n');
}
