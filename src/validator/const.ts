/**
 * Constant expressions (spec 3.3.10, WebAssembly 2.0): `t.const`, `ref.null`,
 * `ref.func` and `global.get` of an immutable global of the context (for
 * module-level expressions the context holds the imported globals only,
 * spec 3.4.10). The expression must leave exactly one value of the expected type.
 */
import { InvalidError } from '../errors.js';
import type { expr, valtype } from '../decoder/module.js';
import { valtypeName } from '../decoder/module.js';
import { isSimdOp, isAtomicOp, Op } from '../decoder/opcodes.js';
import type { Context } from './context.js';
import { F32, F64, FUNCREF, I32, I64 } from '../decoder/valtype.js';
import { checkRefType, rejectSimd, rejectThreads } from './policy.js';

/**
 * Validates `e` as a constant expression of type `expected`. Returns the
 * number of instructions processed (work counter).
 */
export function validateConstExpr(e: expr, expected: valtype, c: Context, what: string): number {
  const code = e.code;
  let pc = 0;
  let count = 0; // values on the stack
  let top = 0; // type of the topmost value
  let steps = 0;
  while (pc < code.length) {
    const op = code[pc];
    const off = code[pc + 1];
    steps++;
    switch (op) {
      case Op.i32_const:
        count++; top = I32; pc += 3; break;
      case Op.i64_const:
        count++; top = I64; pc += 4; break;
      case Op.f32_const:
        c.policy.float(`f32.const in ${what}`, off);
        count++; top = F32; pc += 3; break;
      case Op.f64_const:
        c.policy.float(`f64.const in ${what}`, off);
        count++; top = F64; pc += 4; break;
      case Op.ref_null: {
        const t = code[pc + 2];
        checkRefType(t, c.features, 'ref.null type', off);
        count++; top = t; pc += 3; break;
      }
      case Op.ref_func: {
        const f = code[pc + 2] >>> 0;
        if (f >= c.funcs.length) throw new InvalidError(`unknown function ${f}`, off);
        count++; top = FUNCREF; pc += 3; break;
      }
      case Op.global_get: {
        const g = code[pc + 2] >>> 0;
        if (g >= c.globals.length) throw new InvalidError(`unknown global ${g}`, off);
        const gt = c.globals[g];
        if (gt.mutable) throw new InvalidError(`constant expression required: global.get of mutable global ${g}`, off);
        count++; top = gt.valtype; pc += 3; break;
      }
      case Op.end:
        pc += 2;
        if (pc !== code.length) throw new InvalidError('constant expression required: instructions after end', off);
        if (count !== 1 || top !== expected) {
          const got = count === 0 ? 'nothing' : count === 1 ? valtypeName(top) : `${count} values`;
          throw new InvalidError(`type mismatch: ${what} must be a constant ${valtypeName(expected)}, got ${got}`, off);
        }
        return steps;
      default:
        if (isSimdOp(op)) rejectSimd(c.features, `SIMD instruction in ${what}`, off);
        if (isAtomicOp(op)) rejectThreads(c.features, `atomic instruction in ${what}`, off);
        throw new InvalidError(`constant expression required: instruction 0x${op.toString(16)} in ${what}`, off);
    }
  }
  throw new InvalidError(`constant expression required: ${what} has no end`, e.offset);
}
