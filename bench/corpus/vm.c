/* A bytecode VM with a big dense `switch` (compiled to br_table). The VM is a
 * stack machine with locals; the program it runs (assembled below) counts the
 * primes below a bound by trial division and sums the Collatz path lengths of
 * the numbers below it. One unit = one VM run with bound 200. */
#include "common.h"

enum {
  OP_HALT, OP_PUSH, OP_POP, OP_DUP, OP_SWAP, OP_OVER, OP_LOAD, OP_STORE,
  OP_ADD, OP_SUB, OP_MUL, OP_DIVU, OP_REMU, OP_AND, OP_OR, OP_XOR,
  OP_SHL, OP_SHRU, OP_EQ, OP_NE, OP_LTU, OP_GTU, OP_LEU, OP_NOT,
  OP_JMP, OP_JZ, OP_JNZ, OP_INC, OP_DEC, OP_NEG, OP_HASH, OP_NOP
};

static i32 code[256];
static u32 code_len;

static void emit(i32 v) { code[code_len++] = v; }
static void op1(i32 op, i32 arg) { emit(op); emit(arg); }

/* Locals: 0 = bound, 1 = n, 2 = d, 3 = primes, 4 = x, 5 = steps, 6 = hash. */
static void assemble(void) {
  code_len = 0;
  op1(OP_PUSH, 2); op1(OP_STORE, 1);           /* n = 2 */
  i32 outer = (i32)code_len;
  op1(OP_LOAD, 1); op1(OP_LOAD, 0); emit(OP_LTU);
  op1(OP_JZ, 0); i32 exit_fix = (i32)code_len - 1;
  /* trial division: d = 2; while d*d <= n && n % d != 0: d++ */
  op1(OP_PUSH, 2); op1(OP_STORE, 2);
  i32 trial = (i32)code_len;
  op1(OP_LOAD, 2); emit(OP_DUP); emit(OP_MUL); op1(OP_LOAD, 1); emit(OP_LEU);
  op1(OP_JZ, 0); i32 prime_fix = (i32)code_len - 1;
  op1(OP_LOAD, 1); op1(OP_LOAD, 2); emit(OP_REMU);
  op1(OP_JZ, 0); i32 composite_fix = (i32)code_len - 1;
  op1(OP_LOAD, 2); emit(OP_INC); op1(OP_STORE, 2);
  op1(OP_JMP, trial);
  code[prime_fix] = (i32)code_len;
  op1(OP_LOAD, 3); emit(OP_INC); op1(OP_STORE, 3);
  code[composite_fix] = (i32)code_len;
  /* collatz: x = n; while x != 1: x = x even ? x/2 : 3x+1; steps++ */
  op1(OP_LOAD, 1); op1(OP_STORE, 4);
  i32 col = (i32)code_len;
  op1(OP_LOAD, 4); op1(OP_PUSH, 1); emit(OP_NE);
  op1(OP_JZ, 0); i32 col_done = (i32)code_len - 1;
  op1(OP_LOAD, 4); op1(OP_PUSH, 1); emit(OP_AND);
  op1(OP_JNZ, 0); i32 odd_fix = (i32)code_len - 1;
  op1(OP_LOAD, 4); op1(OP_PUSH, 1); emit(OP_SHRU); op1(OP_STORE, 4);
  op1(OP_JMP, 0); i32 step_fix = (i32)code_len - 1;
  code[odd_fix] = (i32)code_len;
  op1(OP_LOAD, 4); op1(OP_PUSH, 3); emit(OP_MUL); emit(OP_INC); op1(OP_STORE, 4);
  code[step_fix] = (i32)code_len;
  op1(OP_LOAD, 5); emit(OP_INC); op1(OP_STORE, 5);
  op1(OP_LOAD, 6); op1(OP_LOAD, 4); emit(OP_HASH); op1(OP_STORE, 6);
  op1(OP_JMP, col);
  code[col_done] = (i32)code_len;
  op1(OP_LOAD, 1); emit(OP_INC); op1(OP_STORE, 1);
  op1(OP_JMP, outer);
  code[exit_fix] = (i32)code_len;
  op1(OP_LOAD, 3); op1(OP_PUSH, 16); emit(OP_SHL);
  op1(OP_LOAD, 5); emit(OP_XOR); op1(OP_LOAD, 6); emit(OP_ADD);
  emit(OP_HALT);
}

NOINLINE static u32 exec(u32 bound) {
  u32 stack[64];
  u32 locals[8] = {bound, 0, 0, 0, 0, 0, 0, 0};
  u32 sp = 0, pc = 0;
  for (;;) {
    i32 op = code[pc++];
    switch (op) {
      case OP_HALT: return stack[sp - 1];
      case OP_PUSH: stack[sp++] = (u32)code[pc++]; break;
      case OP_POP: sp--; break;
      case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case OP_SWAP: { u32 t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
      case OP_OVER: stack[sp] = stack[sp - 2]; sp++; break;
      case OP_LOAD: stack[sp++] = locals[code[pc++] & 7]; break;
      case OP_STORE: locals[code[pc++] & 7] = stack[--sp]; break;
      case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
      case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
      case OP_DIVU: sp--; stack[sp - 1] = stack[sp] ? stack[sp - 1] / stack[sp] : 0; break;
      case OP_REMU: sp--; stack[sp - 1] = stack[sp] ? stack[sp - 1] % stack[sp] : 0; break;
      case OP_AND: sp--; stack[sp - 1] &= stack[sp]; break;
      case OP_OR: sp--; stack[sp - 1] |= stack[sp]; break;
      case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
      case OP_SHL: sp--; stack[sp - 1] <<= (stack[sp] & 31); break;
      case OP_SHRU: sp--; stack[sp - 1] >>= (stack[sp] & 31); break;
      case OP_EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
      case OP_NE: sp--; stack[sp - 1] = stack[sp - 1] != stack[sp]; break;
      case OP_LTU: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
      case OP_GTU: sp--; stack[sp - 1] = stack[sp - 1] > stack[sp]; break;
      case OP_LEU: sp--; stack[sp - 1] = stack[sp - 1] <= stack[sp]; break;
      case OP_NOT: stack[sp - 1] = !stack[sp - 1]; break;
      case OP_JMP: pc = (u32)code[pc]; break;
      case OP_JZ: { u32 t = (u32)code[pc++]; if (stack[--sp] == 0) pc = t; break; }
      case OP_JNZ: { u32 t = (u32)code[pc++]; if (stack[--sp] != 0) pc = t; break; }
      case OP_INC: stack[sp - 1]++; break;
      case OP_DEC: stack[sp - 1]--; break;
      case OP_NEG: stack[sp - 1] = 0u - stack[sp - 1]; break;
      case OP_HASH: sp--; stack[sp - 1] = (stack[sp - 1] ^ stack[sp]) * 16777619u; break;
      case OP_NOP: break;
      default: return 0xDEADu;
    }
  }
}

EXPORT("run") u32 run(u32 n) {
  assemble();
  u32 sum = 0;
  for (u32 i = 0; i < n; i++) sum = sum * 31u + exec(200 + (i & 3));
  return sum;
}
