/**
 * Wasm-to-wasm calls (isa.ts `call_local`, `call`, `return`): which row the
 * compiler picks, the callee's frame (arguments in place, locals zeroed on
 * every entry, stack growth), gas, the call-depth trap, and pausing and
 * snapshots inside callees.
 */
import { Engine, HostFunc, Store, callResumable, restore, type ResumableCall } from '../index';
import { instantiateWat, listingOf, resumeByUnits, thrown, wat } from './testutil';
import { wat3 } from '../validator/testutil';
import { compiledOf, internals } from './runtime';

async function listing(text: string, fn: number): Promise<string> {
  return listingOf(new Engine().compile(await wat(text)), fn, true);
}

/** Callees with 0-4 parameters and a local each reads before writing it. */
const CALLS = `(module
  (import "env" "h" (func $h (param i32) (result i32)))
  (global $g (mut i32) (i32.const 0))
  (func $nop)
  (func $tick (local i32) (global.set $g (i32.add (global.get $g) (i32.add (local.get 0) (i32.const 1)))) (local.set 0 (i32.const 99)))
  (func $inc (param i32) (result i32) (local i64) (local.set 1 (i64.add (local.get 1) (i64.const 1))) (i32.add (local.get 0) (i32.wrap_i64 (local.get 1))))
  (func $add2 (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func $mix3 (param i32 i32 i32) (result i32) (i32.xor (i32.add (local.get 0) (local.get 1)) (local.get 2)))
  (func $sel4 (param i32 i32 i32 i32) (result i32) (local i32 i32)
    (local.set 4 (i32.add (local.get 4) (local.get 5)))
    (local.set 5 (i32.const 7))
    (i32.add (local.get 4) (select (local.get 0) (local.get 1) (i32.lt_u (local.get 2) (local.get 3)))))
  (func (export "run") (param $n i32) (result i32) (local $i i32) (local $x i32)
    (global.set $g (i32.const 0))
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (call $nop)
        (call $tick)
        (local.set $x (call $inc (local.get $x)))
        (local.set $x (call $add2 (local.get $x) (local.get $i)))
        (local.set $x (call $mix3 (local.get $x) (local.get $i) (i32.const 0x5bd1e995)))
        (local.set $x (call $sel4 (local.get $x) (local.get $i) (local.get $x) (i32.const 0x40000000)))
        (local.set $x (call $h (local.get $x)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (i32.add (local.get $x) (global.get $g)))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1))) (call $fib (i32.sub (local.get 0) (i32.const 2))))))))`;

const h = (x: number) => (Math.imul(x, 2654435761) ^ 0x5bd1e995) | 0;

/** CALLS's run(n) in JS. */
function runJs(n: number): number {
  let g = 0, x = 0;
  for (let i = 0; i < n; i++) {
    g = (g + 1) | 0;
    x = (x + 1) | 0;
    x = (x + i) | 0;
    x = ((x + i) | 0) ^ 0x5bd1e995;
    x = (x >>> 0) < 0x40000000 ? x : i;
    x = h(x);
  }
  return (x + g) | 0;
}

test('a call of a defined function is call_local, a call of an import is call; a copy or copy2 of the last arguments is their prefix', async () => {
  const l = await listing(CALLS, 6); // run: code 6 (function 7 of the index space)
  expect(l.match(/ CALL_LOCAL /g)!.length).toBe(6);
  expect(l.match(/ CALL /g)!.length).toBe(1);
  // inc's argument x is a copy, add2's x and i (after the copy of inc's result into x) a copy2; mix3's and sel4's last are constants
  expect(l).toMatch(/ COPY_CALL_LOCAL 6 4\n +\d+: CALL_LOCAL 3 6 /);
  expect(l).toMatch(/ COPY2_CALL_LOCAL 4 6 8 2\n +\d+: CALL_LOCAL 4 6 /);
  expect(l.match(/COPY2?_CALL_LOCAL/g)!.length).toBe(2);
  // the import's argument x is already in its slot (sel4's result): the copy into x is the prefix
  expect(l).toMatch(/ COPY_CALL 4 6\n +\d+: CALL 0 6 /);
  const two = '(func (param i32 i32) (result i32) (call 0 (local.get 1) (local.get 0)))';
  expect(await listing(`(module (import "env" "h" (func (param i32 i32) (result i32))) ${two})`, 0)).toMatch(/^ +2: COPY2_CALL 4 2 6 0\n +7: CALL 0 4 /m);
  expect(await listing(`(module ${two.replace('(call 0', '(call 1')} ${two})`, 1)).toMatch(/^ +2: COPY2_CALL_LOCAL 4 2 6 0\n +7: CALL_LOCAL 0 4 /m);
});

test('prefixed call_indirect and call_ref: the callee, its result and every trap as without the prefix', async () => {
  const engine = new Engine({ features: { preset: '3.0' } });
  const [bytes] = wat3([`(module
    (type $t (func (param i32 i32) (result i32))) (type $u (func (param i32) (result i32)))
    (table 3 funcref) (elem (i32.const 0) $sub $one)
    (func $sub (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1)))
    (func $one (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
        (func (export "ind") (param $a i32) (param $b i32) (param $k i32) (result i32)
      (call_indirect (type $t) (local.get $a) (local.get $b) (local.get $k)))
    (global $r (ref null $t) (ref.func $sub)) (global $null (ref null $t) (ref.null $t))
    (func (export "ref") (param $a i32) (param $b i32) (result i32) (call_ref $t (local.get $a) (local.get $b) (global.get $r)))
    (func (export "refnull") (param $a i32) (param $b i32) (result i32) (call_ref $t (local.get $a) (local.get $b) (global.get $null))))`]);
  const m = engine.compile(bytes);
  const ex = new Store(engine).instantiate(m).exports as Record<string, any>;
  const code = (f: () => unknown) => thrown(f).code;
  expect(ex.ind(10, 3, 0)).toBe(7);
  expect(code(() => ex.ind(10, 3, 1))).toBe('indirect_call_type_mismatch');
  expect(code(() => ex.ind(10, 3, 2))).toBe('uninitialized_element');
  expect(code(() => ex.ind(10, 3, 3))).toBe('undefined_element');
  expect(ex.ref(10, 4)).toBe(6);
  expect(code(() => ex.refnull(10, 4))).toBe('null_reference');
  const l = (fn: number) => listingOf(m, fn, true);
  expect(l(2)).toMatch(/ COPY2_CALL 6 0 8 2\n +\d+: CALL_INDIRECT_S /);
  expect(l(3)).toMatch(/ COPY2_CALL 4 0 6 2\n +\d+: CALL_REF_S /);
  expect(l(4)).toMatch(/ COPY2_CALL 4 0 6 2\n +\d+: CALL_REF_S /);
});

test('a host function paused in a prefixed call resumes with its result', async () => {
  const pausing = new HostFunc({ params: ['i32'], results: ['i32'] }, (caller, x) => caller.pause(x));
  const s = await instantiateWat(CALLS, { imports: { env: { h: pausing } } });
  let c: ResumableCall = callResumable(s.exports.run, 40);
  let pauses = 0;
  while (!c.done) {
    expect(c.reason).toBe('host');
    c = c.resume(h(c.payload as number));
    pauses++;
  }
  expect([c.value, pauses]).toEqual([runJs(40), 40]);
});

test('callees with 0-4 parameters: arguments in place, results back, locals zero on every call', async () => {
  const s = await instantiateWat(CALLS, { imports: { env: { h } } });
  for (const n of [0, 1, 2, 17, 1000]) expect(s.exports.run(n)).toBe(runJs(n));
  expect(s.exports.fib(20)).toBe(6765);
});

test('the gas of a local call is the gas of the same call through an import of the same function', async () => {
  const callee = '(func $f (param i32 i32) (result i32) (local i32) (local.set 2 (i32.mul (local.get 0) (local.get 1))) (i32.add (local.get 2) (i32.const 1)))';
  const caller = (f: string) => `(func (export "g") (param i32) (result i32) (call ${f} (local.get 0) (call ${f} (local.get 0) (i32.const 3))))`;
  const local = await instantiateWat(`(module ${callee} ${caller('$f')})`, { gas: 1e6 });
  const engine = new Engine();
  const store = new Store(engine, { gas: 1e6 });
  const libInst = store.instantiate(engine.compile(await wat(`(module ${callee} (export "f" (func $f)))`)));
  const viaImport = store.instantiate(engine.compile(await wat(`(module (import "lib" "f" (func $f (param i32 i32) (result i32))) ${caller('$f')})`)), { lib: libInst.exports });
  expect(local.exports.g(5)).toBe(5 * 16 + 1);
  expect((viaImport.exports as any).g(5)).toBe(5 * 16 + 1);
  expect(local.store.gasUsed).toBe(store.gasUsed);
});

test('an i32.add_si computing the last argument and the call_local after it are one dispatch (i32.add_si_call_local): results, gas and pauses as the add and a call through an import', async () => {
  // fib's two recursive calls (n - 1, n - 2: i32.sub_si records, the prefix adds -1 and -2)
  const fib = await listing(CALLS, 7);
  expect(fib.match(/ I32_ADD_SI_CALL_LOCAL (\d+) 0 -[12]\n +\d+: CALL_LOCAL 8 \1 /g)!.length).toBe(2);
  expect(fib).not.toMatch(/ I32_(ADD|SUB)_SI /);
  const callee = '(func $f (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))';
  const engine = new Engine({ gas: 'unit' });
  // x + -7, and x - -2^31 (the prefix's immediate is -(-2^31), which is -2^31 again)
  for (const [arg, imm, js] of [['(i32.add (local.get 0) (i32.const -7))', -7, (x: number) => (x - 7) | 0],
    ['(i32.sub (local.get 0) (i32.const -2147483648))', -2147483648, (x: number) => (x + 2147483648) | 0]] as const) {
    const caller = (f: string) => `(func (export "g") (param i32) (result i32) (i32.sub (local.get 0) (call ${f} ${arg})))`;
    const local = engine.compile(await wat(`(module ${callee} ${caller('$f')})`));
    const lib = engine.compile(await wat(`(module ${callee} (export "f" (func $f)))`));
    const imp = engine.compile(await wat(`(module (import "lib" "f" (func $f (param i32) (result i32))) ${caller('$f')})`));
    expect(listingOf(local, 1, true)).toMatch(new RegExp(` I32_ADD_SI_CALL_LOCAL (\\d+) 0 ${imm}\\n +\\d+: CALL_LOCAL 0 \\1 `));
    expect(listingOf(imp, 0, true)).not.toContain('I32_ADD_SI_CALL_LOCAL');
    for (const x of [0, 7, -5, 0x7fffffff, -0x80000000]) {
      const a = new Store(engine, { gas: 1e6 }), b = new Store(engine, { gas: 1e6 });
      const ga = (a.instantiate(local).exports as any).g;
      const gb = (b.instantiate(imp, { lib: b.instantiate(lib).exports }).exports as any).g;
      const want = (x - Math.imul(js(x), 3)) | 0;
      expect([ga(x), gb(x)]).toEqual([want, want]);
      expect(a.gasUsed).toBe(b.gasUsed);
      // one unit at a time: a pause at every unit, the same result
      const c = new Store(engine, { gas: 0 });
      const r = resumeByUnits(c, (c.instantiate(local).exports as any).g, x);
      expect([r.call.value, r.pauses, c.gasUsed]).toEqual([want, a.gasUsed, a.gasUsed]);
    }
  }
});

test('a constant last argument is written by the call_local\'s prefix (const32_call_local); a void function\'s last global.set returns too (global.set_ret): results, gas and pauses as through imports', async () => {
  const lib = `(global $g (export "g") (mut i32) (i32.const 0))
    (func $bump (export "bump") (param i32) (global.set $g (i32.add (global.get $g) (local.get 0))))
    (func $mix (export "mix") (param i32 i32) (result i32) (i32.xor (local.get 0) (i32.mul (local.get 1) (i32.const 3))))`;
  const run = `(func (export "run") (param $n i32) (result i32) (local $i i32) (local $x i32)
    (loop $l
      (call $bump (i32.const 3))
      (local.set $x (call $mix (local.get $x) (i32.const -5)))
      (local.set $x (call $mix (i32.const 0x12345) (local.get $x)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add (local.get $x) (global.get $g)))`;
  const engine = new Engine({ gas: 'unit' });
  const local = engine.compile(await wat(`(module ${lib} ${run})`));
  const libMod = engine.compile(await wat(`(module ${lib})`));
  const imp = engine.compile(await wat(`(module (import "lib" "g" (global $g (mut i32))) (import "lib" "bump" (func $bump (param i32)))
    (import "lib" "mix" (func $mix (param i32 i32) (result i32))) ${run})`));
  const l = listingOf(local, 2, true);
  expect(l).toMatch(/ CONST32_CALL_LOCAL (\d+) 3\n +\d+: CALL_LOCAL 0 \1 /);
  expect(l).toMatch(/ CONST32_CALL_LOCAL (\d+) -5\n +\d+: CALL_LOCAL 1 /);
  expect(l.match(/ CONST32_CALL_LOCAL /g)!.length).toBe(2);
  expect(listingOf(local, 0, true)).toMatch(/ GLOBAL_SET_RET 0 \d+$/);
  expect(listingOf(local, 0, true)).not.toContain('RETURN');
  let x = 0;
  const want = (n: number) => {
    x = 0;
    let i = 0;
    do { x = x ^ Math.imul(-5, 3); x = 0x12345 ^ Math.imul(x, 3); i++; } while ((i >>> 0) < (n >>> 0));
    return (x + 3 * Math.max(n, 1)) | 0;
  };
  for (const n of [1, 2, 50]) {
    const a = new Store(engine, { gas: 1e6 }), b = new Store(engine, { gas: 1e6 });
    const ra = (a.instantiate(local).exports as any).run(n);
    const rb = (b.instantiate(imp, { lib: b.instantiate(libMod).exports }).exports as any).run(n);
    expect([ra, rb]).toEqual([want(n), want(n)]);
    expect(a.gasUsed).toBe(b.gasUsed);
    const c = new Store(engine, { gas: 0 });
    const r = resumeByUnits(c, (c.instantiate(local).exports as any).run, n);
    expect([r.call.value, r.pauses, c.gasUsed]).toEqual([want(n), a.gasUsed, a.gasUsed]);
  }
});

test('deep local recursion grows the value stack; the depth limit traps in the callee', async () => {
  // 256 i64 locals per frame: 3000 frames need more than the initial 64 Ki slots
  const text = `(module
    (func $down (export "down") (param i32) (result i64) (local ${'i64 '.repeat(256)})
      (if (result i64) (i32.eqz (local.get 0)) (then (local.get 200))
        (else (i64.add (local.get 100) (i64.add (i64.extend_i32_u (local.get 0)) (call $down (i32.sub (local.get 0) (i32.const 1)))))))))`;
  const engine = new Engine({ limits: { maxCallDepth: 4000 } });
  const store = new Store(engine);
  const ex = store.instantiate(engine.compile(await wat(text))).exports as Record<string, any>;
  // (its recursive call is an i32.add_si_call_local: the add, then the call and its depth check)
  expect(listingOf(engine.compile(await wat(text)), 0, true)).toMatch(/ I32_ADD_SI_CALL_LOCAL /);
  expect(ex.down(3000)).toBe(3000n * 3001n / 2n);
  const e = thrown(() => ex.down(5000));
  expect([e.code, e.funcIndex]).toEqual(['call_stack_exhausted', 0]);
  expect(ex.down(10)).toBe(55n);
});

test('resumed one gas unit at a time across calls and returns: the same results and gas', async () => {
  const want = await instantiateWat(CALLS, { config: { gas: 'unit' }, gas: 1e9, imports: { env: { h } } });
  const wantRun = want.exports.run(25), runGas = want.store.gasUsed;
  const wantFib = want.exports.fib(12), fibGas = want.store.gasUsed - runGas;
  const s = await instantiateWat(CALLS, { config: { gas: 'unit' }, gas: 0, imports: { env: { h } } });
  const a = resumeByUnits(s.store, s.exports.run, 25);
  expect([a.call.value, s.store.gasUsed, a.pauses]).toEqual([wantRun, runGas, runGas]);
  const b = resumeByUnits(s.store, s.exports.fib, 12);
  expect([b.call.value, s.store.gasUsed - runGas, b.pauses]).toEqual([wantFib, fibGas, fibGas]);
});

test('paused inside local callees: snapshots restore and finish identically', async () => {
  const engine = new Engine();
  const mod = engine.compile(await wat(CALLS));
  const ref = new Store(engine, { gas: 1e9 });
  const refEx = ref.instantiate(mod, { env: { h } }).exports as Record<string, any>;
  const want = [refEx.fib(15), ref.gasUsed];
  const store0 = new Store(engine, { gas: 1e9 });
  const ex = store0.instantiate(mod, { env: { h } }).exports as Record<string, any>;
  store0.gasRemaining = 0;
  let c: ResumableCall = callResumable(ex.fib, 15);
  let store = store0, restores = 0;
  while (!c.done) {
    const r = restore(engine, [mod], store.snapshot(), { env: { h } });
    c.cancel();
    store = r.store;
    store.gasRemaining = store.gasRemaining + 97;
    c = r.call!.resume();
    restores++;
  }
  expect([c.value, store.gasUsed]).toEqual(want);
  expect(restores).toBeGreaterThan(20);
});

test('a copy back of what the last copy wrote is left out, and the copies around it fuse', async () => {
  const text = `(module
    (func $f (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
    (func $g (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1)))
    (func (export "run") (param $i i32) (result i32) (local $x i32)
      (local.set $x (call $f (local.get $i)))
      (local.set $x (call $g (local.get $x) (local.get $i)))
      (local.get $x))
    (func (export "swap") (param i32 i32) (result i32)
      (local.set 1 (local.get 0))
      (local.set 0 (local.get 1))
      (i32.sub (local.get 0) (local.get 1))))`;
  const s = await instantiateWat(text);
  expect(s.exports.run(5)).toBe(10);
  expect(s.exports.swap(7, 2)).toBe(0);
  // x (slot 2) = f's result (slot 4); g's arguments x and i go to slots 4 (holding x already) and 6
  const l = await listing(text, 2);
  expect(l).toMatch(/ COPY2_CALL_LOCAL 2 4 6 0\n +\d+: CALL_LOCAL 1 4 /);
  expect(l).not.toMatch(/COPY2? [^\n]*\b4 2\b/);
  expect(await listing(text, 3)).not.toMatch(/COPY2/);
});

/** Every op with a form that returns (isa.ts withReturn) as a function's last instruction, and what it computes. */
const RET_FUSED: Array<[string, string, (a: number, b: number) => number]> = [
  ['I32_ADD_SS_RET', '(i32.add (local.get 0) (local.get 1))', (a, b) => (a + b) | 0],
  ['I32_SUB_SS_RET', '(i32.sub (local.get 0) (local.get 1))', (a, b) => (a - b) | 0],
  ['I32_MUL_SS_RET', '(i32.mul (local.get 0) (local.get 1))', (a, b) => Math.imul(a, b)],
  ['I32_AND_SS_RET', '(i32.and (local.get 0) (local.get 1))', (a, b) => a & b],
  ['I32_OR_SS_RET', '(i32.or (local.get 0) (local.get 1))', (a, b) => a | b],
  ['I32_XOR_SS_RET', '(i32.xor (local.get 0) (local.get 1))', (a, b) => a ^ b],
  ['I32_ADD_SI_RET', '(i32.add (local.get 0) (i32.const -7))', (a) => (a - 7) | 0],
  ['I32_SUB_SI_RET', '(i32.sub (local.get 0) (i32.const 9))', (a) => (a - 9) | 0],
  ['I32_MUL_SI_RET', '(i32.mul (local.get 0) (i32.const 0x7fff1234))', (a) => Math.imul(a, 0x7fff1234)],
  ['I32_AND_SI_RET', '(i32.and (local.get 0) (i32.const 0xff0f))', (a) => a & 0xff0f],
  ['I32_OR_SI_RET', '(i32.or (local.get 0) (i32.const 0x100))', (a) => a | 0x100],
  ['I32_XOR_SI_RET', '(i32.xor (local.get 0) (i32.const -1))', (a) => ~a],
  ['I32_SHL_SI_RET', '(i32.shl (local.get 0) (i32.const 35))', (a) => a << 3],
  ['I32_SHR_S_SI_RET', '(i32.shr_s (local.get 0) (i32.const 5))', (a) => a >> 5],
  ['I32_SHR_U_SI_RET', '(i32.shr_u (local.get 0) (i32.const 5))', (a) => (a >>> 5) | 0],
  ['I32_XOR_SHL_SSI_RET', '(i32.xor (local.get 0) (i32.shl (local.get 1) (i32.const 7)))', (a, b) => a ^ (b << 7)],
  ['SELECT_RET', '(select (local.get 0) (local.get 1) (i32.lt_u (local.get 0) (local.get 1)))', (a, b) => ((a >>> 0) < (b >>> 0) ? a : b)],
  // the result's move to slot 0
  ['COPY_RET', '(local.get 1)', (a, b) => b],
];

test('an op and the return after it are one record (withReturn rows): results to wasm and JS callers, across instances, gas and pauses as the two records', async () => {
  const funcs = RET_FUSED.map(([, body], i) => `(func $f${i} (export "f${i}") (param i32 i32) (result i32) ${body})`).join('\n');
  // each callee called from wasm (a return into a caller of the same instance), and the sum of all
  const calls = RET_FUSED.map((_, i) => `(call $f${i} (local.get 0) (local.get 1))`);
  const sum = calls.slice(1).reduce((acc, c) => `(i32.add ${acc} ${c})`, calls[0]);
  const text = `(module ${funcs}
    (func (export "all") (param i32 i32) (result i32) ${sum}))`;
  const mod = new Engine().compile(await wat(text));
  RET_FUSED.forEach(([row], i) => {
    const l = listingOf(mod, i, true);
    expect(l).toContain(` ${row} `);
    expect(l).not.toContain('RETURN');
  });
  const s = await instantiateWat(text, { config: { gas: 'unit' }, gas: 1e9 });
  // through an import: the return goes into another instance (its globals, memory and functions reloaded)
  const other = s.store.instantiate(s.engine.compile(await wat(`(module
    (import "m" "f0" (func $f (param i32 i32) (result i32))) (memory 1) (global $g (mut i32) (i32.const 5))
    (func (export "cross") (param i32 i32) (result i32)
      (i32.store (i32.const 8) (call $f (local.get 0) (local.get 1)))
      (i32.add (i32.load (i32.const 8)) (global.get $g))))`)), { m: s.exports });
  const vals = [0, 1, -1, 7, 0x7fffffff, -0x80000000, 123456789, -987654321];
  for (const a of vals) {
    for (const b of vals) {
      let want = 0;
      RET_FUSED.forEach(([, , js], i) => {
        expect(s.exports[`f${i}`](a, b)).toBe(js(a, b));
        want = (want + js(a, b)) | 0;
      });
      expect(s.exports.all(a, b)).toBe(want);
      expect((other.exports as any).cross(a, b)).toBe((((a + b) | 0) + 5) | 0);
    }
  }
  // gas: one unit per wasm instruction, as when the return was its own record
  const g0 = s.store.gasUsed;
  s.exports.f0(1, 2);
  expect(s.store.gasUsed - g0).toBe(4); // local.get, local.get, i32.add, end
  const g1 = s.store.gasUsed;
  s.exports.all(3, 4);
  const allGas = s.store.gasUsed - g1;
  // the return's charge of the caller's block after the call runs out of gas and resumes
  const r = await instantiateWat(text, { config: { gas: 'unit' }, gas: 0 });
  const run = resumeByUnits(r.store, r.exports.all, 3, 4);
  expect([run.call.value, r.store.gasUsed, run.pauses]).toEqual([s.exports.all(3, 4), allGas, allGas]);
});

test('a called function carries its compiled code and entry fields (compiledOf), which calls and returns read', async () => {
  const s = await instantiateWat(CALLS, { imports: { env: { h } } });
  const inst = internals(s.instance);
  const before = inst.funcs[3];
  expect(before === undefined || before.code === null).toBe(true);
  s.exports.run(3);
  for (let i = 1; i < inst.funcs.length; i++) {
    const f = inst.funcs[i]!;
    const cf = compiledOf(f);
    expect([f.code, f.entryPc, f.entryGas, f.paramSlots, f.localSlots, f.frameSlots]).toEqual([cf.code, cf.entryPc, cf.entryGas, cf.paramSlots, cf.localSlots, cf.frameSlots]);
  }
});

test('a call into another instance paused at the callee\'s entry or at the return resumes with the right instance (memory, globals)', async () => {
  const lib = `(module (memory (export "mem") 1) (global $g (mut i32) (i32.const 100))
    (func (export "f") (param i32) (result i32)
      (global.set $g (i32.add (global.get $g) (local.get 0)))
      (i32.store (i32.const 4) (i32.add (i32.load (i32.const 4)) (global.get $g)))
      (i32.load (i32.const 4))))`;
  const user = `(module (import "lib" "f" (func $f (param i32) (result i32))) (memory 1) (global $g (mut i32) (i32.const 7))
    (table 1 funcref) (elem (i32.const 0) $f) (type $t (func (param i32) (result i32)))
    (func (export "run") (param $n i32) (result i32) (local $i i32)
      (loop $top
        (i32.store (i32.const 4) (i32.add (i32.load (i32.const 4)) (call $f (local.get $i))))
        (i32.store (i32.const 4) (i32.add (i32.load (i32.const 4)) (call_indirect (type $t) (global.get $g) (i32.const 0))))
        (global.set $g (i32.add (global.get $g) (i32.const 1)))
        (br_if $top (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (i32.add (i32.load (i32.const 4)) (global.get $g))))`;
  const setup = async (gas: number) => {
    const engine = new Engine({ gas: 'unit' });
    const store = new Store(engine, { gas });
    const l = store.instantiate(engine.compile(await wat(lib)));
    const u = store.instantiate(engine.compile(await wat(user)), { lib: l.exports });
    return { store, run: (u.exports as any).run, libMem: l.exports.mem as { buffer: ArrayBuffer } };
  };
  const want = await setup(1e9);
  const wantValue = want.run(6), wantGas = want.store.gasUsed;
  const got = await setup(0);
  const r = resumeByUnits(got.store, got.run, 6);
  expect([r.call.value, got.store.gasUsed, r.pauses]).toEqual([wantValue, wantGas, wantGas]);
  expect(new Uint8Array(got.libMem.buffer).slice(0, 8)).toEqual(new Uint8Array(want.libMem.buffer).slice(0, 8));
});
