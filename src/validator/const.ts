/**
 * Constant expressions (spec 3.3.10): `t.const`, `ref.null`, `ref.func`,
 * `global.get` of an immutable global of the context (for module-level
 * expressions the context holds the imported globals, and with extended
 * constants also the globals defined before, spec 3.4.10) and, with extended
 * constants, `i32/i64.add/sub/mul`. The expression must leave exactly one
 * value matching the expected type.
 */
import { InvalidError } from '../errors.js';
import type { expr, valtype } from '../decoder/module.js';
import { valtypeName } from '../decoder/module.js';
import { isSimdOp, isAtomicOp, Op } from '../decoder/opcodes.js';
import { F32, F64, FUNCREF, I32, I64, matchesType, refOfIndex } from '../decoder/valtype.js';
import type { Context } from './context.js';
import { rejectFeature, rejectSimd, rejectThreads } from './policy.js';

/**
 * Validates `e` as a constant expression of type `expected`. Returns the
 * number of instructions processed (work counter).
 */
export function validateConstExpr(e: expr, expected: valtype, c: Context, what: string): number {
  const code = e.code;
  const stack: number[] = [];
  let pc = 0;
  let steps = 0;
  const arith = (t: number, name: string, off: number): void => {
    if (!c.features.extendedConst) rejectFeature('extended-const', `${name} in ${what}`, off);
    const b = stack.pop();
    const a = stack.pop();
    if (a !== t || b !== t) {
      throw new InvalidError(`type mismatch: ${name} in ${what} needs two ${valtypeName(t)} operands`, off);
    }
    stack.push(t);
  };
  while (pc < code.length) {
    const op = code[pc];
    const off = code[pc + 1];
    steps++;
    switch (op) {
      case Op.i32_const:
        stack.push(I32); pc += 3; break;
      case Op.i64_const:
        stack.push(I64); pc += 4; break;
      case Op.f32_const:
        c.policy.float(`f32.const in ${what}`, off);
        stack.push(F32); pc += 3; break;
      case Op.f64_const:
        c.policy.float(`f64.const in ${what}`, off);
        stack.push(F64); pc += 4; break;
      case Op.ref_null: {
        const t = code[pc + 2];
        c.policy.reftype(t, 'ref.null type', off);
        stack.push(t); pc += 3; break;
      }
      case Op.ref_func: {
        const f = code[pc + 2] >>> 0;
        if (f >= c.funcs.length) throw new InvalidError(`unknown function ${f}`, off);
        stack.push(c.features.functionReferences ? refOfIndex(c.funcTypeIdx[f], false) : FUNCREF);
        pc += 3; break;
      }
      case Op.global_get: {
        const g = code[pc + 2] >>> 0;
        if (g >= c.globals.length) throw new InvalidError(`unknown global ${g}`, off);
        const gt = c.globals[g];
        if (gt.mutable) throw new InvalidError(`constant expression required: global.get of mutable global ${g}`, off);
        stack.push(gt.valtype); pc += 3; break;
      }
      case Op.i32_add: case Op.i32_sub: case Op.i32_mul:
        arith(I32, `i32 arithmetic 0x${op.toString(16)}`, off); pc += 2; break;
      case Op.i64_add: case Op.i64_sub: case Op.i64_mul:
        arith(I64, `i64 arithmetic 0x${op.toString(16)}`, off); pc += 2; break;
      case Op.end:
        pc += 2;
        if (pc !== code.length) throw new InvalidError('constant expression required: instructions after end', off);
        if (stack.length !== 1 || !matchesType(stack[0], expected, c.canon)) {
          const got = stack.length === 0 ? 'nothing' : stack.length === 1 ? valtypeName(stack[0]) : `${stack.length} values`;
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
