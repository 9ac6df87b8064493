import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ISA } from './isa';
import { Op, OP_COUNT, OP_LENGTH, OP_NAMES } from './ops';
import { disassemble, opLength } from './bytecode';


test('op numbers are dense and in table order, names unique', () => {
  expect(OP_COUNT).toBe(ISA.length);
  expect(new Set(OP_NAMES).size).toBe(ISA.length);
  ISA.forEach((d, i) => {
    expect(OP_NAMES[i]).toBe(d.name);
    expect((Op as Record<string, number>)[d.name.toUpperCase().replace(/\./g, '_')]).toBe(i);
  });
});

/** Case labels `case N: // name` of a piece of exec.ts. */
function caseLabels(src: string): Map<number, string> {
  const re = /case (\d+):(?: \{)? \/\/ (\S+)/g;
  const seen = new Map<number, string>();
  let m: RegExpExecArray | null;
  while ((m = re.exec(src)) !== null) {
    expect(seen.has(Number(m[1]))).toBe(false);
    seen.set(Number(m[1]), m[2]);
  }
  return seen;
}

test('every op has exactly one case in the main loop (and in its traced variant), and a cold op one more in execCold', () => {
  const src = readFileSync(join(__dirname, 'exec.ts'), 'utf8');
  const t = src.indexOf('function execTraced('), at = src.indexOf('function execCold(');
  expect(t).toBeGreaterThan(0);
  expect(at).toBeGreaterThan(t);
  const main = caseLabels(src.slice(0, t)), traced = caseLabels(src.slice(t, at)), cold = caseLabels(src.slice(at));
  ISA.forEach((d, i) => {
    expect([i, main.get(i)]).toEqual([i, d.name]);
    expect([i, traced.get(i)]).toEqual([i, d.name]);
    expect([i, cold.get(i)]).toEqual([i, d.cold ? d.name : undefined]);
  });
  // the hook is only in the traced variant
  expect(src.slice(0, t)).not.toMatch(/hook\.step\(/);
  expect(src.slice(t, at)).toMatch(/hook\.step\(/);
  expect(ISA.filter((d) => d.cold).length).toBeGreaterThan(20);
});

test('the ops measured slower cold stay in the main loop (isa.ts COLD comment)', () => {
  // each was moved to execCold once and a benchmark lost: micro-i32 / micro-i64
  // (two-step xorshift), micro-f32 (abs, neg, f32.div), nbody (f64.sqrt), bulk (memory.copy / fill)
  const hot = ['i32.xorshift2_si', 'i64.xorshift2_si', 'f32.abs_s', 'f32.neg_s', 'f32.div_ss', 'f64.sqrt_s', 'memory.copy_sss', 'memory.fill_sss'];
  for (const name of hot) {
    const d = ISA.find((x) => x.name === name);
    expect([name, d !== undefined, d?.cold === true]).toEqual([name, true, false]);
  }
});

test('opLength: fixed records and br_table forms', () => {
  const code = new Int32Array([Op.BR_TABLE_S, 0, 2, 0, 0, 0, 0, 0, 0, Op.RETURN]);
  expect(opLength(code, 0)).toBe(OP_LENGTH[Op.BR_TABLE_S] + 6);
  expect(opLength(code, 9)).toBe(1);
  expect(disassemble(code).split('\n')).toEqual(['    0: BR_TABLE_S 0 2 0 0 0 0 0 0', '    9: RETURN ']);
  expect(() => opLength(new Int32Array([OP_COUNT]), 0)).toThrow(/unknown op/);
});
