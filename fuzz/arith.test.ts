import fc from 'fast-check';
import { ARITH_OPS, ArithResult, EDGE32, EDGE64, arithModule, fromJs, toJs } from './arith.js';
import { I32 } from './encode.js';
import { EngineAdapter, nativeAdapter } from './exec-harness.js';
import { ENGINES_UNDER_TEST } from './engines.js';

function callOp(adapter: EngineAdapter, inst: ReturnType<EngineAdapter['instantiate']>, opIndex: number, args: bigint[]): ArithResult | string {
  const op = ARITH_OPS[opIndex];
  try {
    const r = inst.call(op.name, args.map((a, i) => toJs(op.params[i], a)));
    return fromJs(op.result, r as number | bigint);
  } catch (e) {
    const cls = adapter.trapClass(e);
    if (cls === 'div_by_zero' || cls === 'int_overflow') return cls;
    return `unexpected ${String(e)}`;
  }
}

function mask(t: number, x: bigint): bigint {
  return BigInt.asUintN(t === I32 ? 32 : 64, x);
}

describe.each([nativeAdapter, ...ENGINES_UNDER_TEST])('integer operators vs BigInt reference on $name', adapter => {
  const inst = adapter.instantiate(arithModule(), () => 0);

  test('every operator on all pairs of edge values', () => {
    const failures: string[] = [];
    let checked = 0;
    ARITH_OPS.forEach((op, i) => {
      const edges = (t: number): bigint[] => (t === I32 ? EDGE32 : EDGE64).map(x => mask(t, x));
      const xs = edges(op.params[0]);
      const ys = op.params.length > 1 ? edges(op.params[1]) : [0n];
      for (const x of xs) {
        for (const y of ys) {
          const args = op.params.length > 1 ? [x, y] : [x];
          const want = op.ref(...args);
          const got = callOp(adapter, inst, i, args);
          checked++;
          if (got !== want && failures.length < 20) failures.push(`${op.name}(${args.join(', ')}) = ${String(got)}, want ${String(want)}`);
        }
      }
    });
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(25000);
  });

  test('every operator on random operands (fast-check, fixed seed)', () => {
    const operand = (t: number): fc.Arbitrary<bigint> =>
      fc.oneof(fc.bigInt({ min: 0n, max: t === I32 ? 0xffffffffn : 0xffffffffffffffffn }), fc.constantFrom(...(t === I32 ? EDGE32 : EDGE64)).map(x => mask(t, x)), fc.bigInt({ min: 0n, max: 70n }));
    const arb = fc.integer({ min: 0, max: ARITH_OPS.length - 1 }).chain(i =>
      fc.tuple(fc.constant(i), fc.tuple(...ARITH_OPS[i].params.map(operand))));
    fc.assert(
      fc.property(arb, ([i, args]) => {
        const want = ARITH_OPS[i].ref(...args);
        const got = callOp(adapter, inst, i, args);
        if (got !== want) throw new Error(`${ARITH_OPS[i].name}(${args.join(', ')}) = ${String(got)}, want ${String(want)}`);
      }),
      { seed: 424242, numRuns: 20000 },
    );
  });
});
