/**
 * Gas metering: exact budgets, out_of_gas semantics, top-ups, the 'unit'
 * schedule counting executed instructions exactly, dynamic costs, overrides.
 */
import { Engine, Store, HostFunc, Trap } from '../index';
import { instantiateWat, thrown, wat } from '../interpreter/testutil';
import { resolveGasSchedule, compileCost, OP_NAMES } from './schedule';
import { decode } from '../decoder/index';

const LOOP = `(module
  (func (export "loop") (param $n i32)
    (loop $l
      local.get $n
      i32.const 1
      i32.sub
      local.tee $n
      br_if $l)))`;

const REC = `(module
  (func $r (export "r") (param i32) (result i32)
    local.get 0
    i32.eqz
    if (result i32)
      i32.const 0
    else
      local.get 0
      i32.const 1
      i32.sub
      call $r
      i32.const 1
      i32.add
    end))`;

describe("'unit' schedule counts executed instructions", () => {
  test('a loop of N iterations of 5 instructions costs 5N + 3 (loop once, loop end, function end)', async () => {
    const s = await instantiateWat(LOOP, { config: { gas: 'unit' }, gas: 1e12 });
    for (const n of [1, 2, 3, 10, 1000, 12345]) {
      const before = s.store.gasUsed;
      s.exports.loop(n);
      expect([n, s.store.gasUsed - before]).toEqual([n, 5 * n + 3]);
    }
  });

  test('recursion of depth n costs 11n + 6', async () => {
    const s = await instantiateWat(REC, { config: { gas: 'unit' }, gas: 1e12 });
    for (const n of [0, 1, 2, 50, 500]) {
      const before = s.store.gasUsed;
      expect(s.exports.r(n)).toBe(n);
      expect([n, s.store.gasUsed - before]).toEqual([n, 11 * n + 6]);
    }
  });

  test('block, br_table, br_if taken and not taken, return', async () => {
    // f(x): block(3 instrs in) ... counted by hand below
    const s = await instantiateWat(`(module
      (func (export "f") (param i32) (result i32)
        block                     ;; 1
          block                   ;; 2
            local.get 0           ;; 3
            br_table 0 1          ;; 4  (0 -> inner end target, else outer)
          end                     ;;    reached by branch: not counted
          i32.const 10            ;; 5
          return                  ;; 6
        end
        i32.const 20              ;; 5'
        local.get 0               ;; 6'
        br_if 0                   ;; 7'  (taken when x != 0: function label = return)
        drop                      ;; 8'
        i32.const 30))            ;; 9', then function end 10'
    `, { config: { gas: 'unit' }, gas: 1e9 });
    const run = (x: number) => {
      const b = s.store.gasUsed;
      const r = s.exports.f(x);
      return [r, s.store.gasUsed - b];
    };
    expect(run(0)).toEqual([10, 6]);
    expect(run(1)).toEqual([20, 7]);
    expect(run(5)).toEqual([20, 7]);
  });
});

describe('budgets', () => {
  test('budget = gasUsed succeeds, gasUsed - 1 traps out_of_gas, top-up and call again works', async () => {
    const bytes = await wat(REC);
    const engine = new Engine();
    const probe = new Store(engine, { gas: 1e9 });
    probe.instantiate(engine.compile(bytes)).exports.r as any;
    const r0 = probe.instantiate(engine.compile(bytes)).exports.r as (n: number) => number;
    const before = probe.gasUsed;
    r0(100);
    const g = probe.gasUsed - before;
    expect(g).toBeGreaterThan(100);

    const exact = new Store(engine, { gas: g });
    const m = engine.compile(bytes);
    const r1 = exact.instantiate(m).exports.r as (n: number) => number;
    expect(r1(100)).toBe(100);
    expect(exact.gasUsed).toBe(g);
    expect(exact.gasRemaining).toBe(0);

    const short = new Store(engine, { gas: g - 1 });
    const r2 = short.instantiate(m).exports.r as (n: number) => number;
    const e = thrown(() => r2(100));
    expect(e).toBeInstanceOf(Trap);
    expect(e.code).toBe('out_of_gas');
    expect(short.gasUsed + short.gasRemaining).toBe(g - 1);
    expect(short.gasRemaining).toBeGreaterThanOrEqual(0);
    // top up and run again: the store is usable after out_of_gas
    short.gasRemaining = g;
    expect(r2(100)).toBe(100);
    expect(short.gasRemaining).toBe(0);
    // bigint budgets
    const big = new Store(engine, { gas: BigInt(g) });
    expect((big.instantiate(m).exports.r as any)(100)).toBe(100);
  });

  test('the over-budget block has no effect', async () => {
    const s = await instantiateWat(`(module (memory (export "m") 1)
      (func (export "w") i32.const 0 i32.const 42 i32.store))`, { config: { gas: 'unit' }, gas: 3 });
    expect(thrown(() => s.exports.w()).code).toBe('out_of_gas');
    expect(new Uint8Array(s.exports.m.buffer)[0]).toBe(0);
    expect(s.store.gasRemaining).toBe(3);
    s.store.gasRemaining = 4;
    s.exports.w();
    expect(new Uint8Array(s.exports.m.buffer)[0]).toBe(42);
    expect(s.store.gasRemaining).toBe(0);
  });

  test('an infinite loop ends with out_of_gas', async () => {
    const s = await instantiateWat('(module (func (export "spin") (loop $l br $l)))', { gas: 100000 });
    expect(thrown(() => s.exports.spin()).code).toBe('out_of_gas');
    expect(s.store.gasRemaining).toBeLessThan(10);
  });

  test('unmetered store: gasUsed 0, gasRemaining Infinity, top-up refused', async () => {
    const s = await instantiateWat(LOOP);
    s.exports.loop(100);
    expect(s.store.gasUsed).toBe(0);
    expect(s.store.gasRemaining).toBe(Infinity);
    expect(() => { s.store.gasRemaining = 5; }).toThrow(TypeError);
  });

  test('gas is identical across fresh stores and engines', async () => {
    const used: number[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await instantiateWat(REC, { gas: 1e9 });
      s.exports.r(200);
      used.push(s.store.gasUsed);
    }
    expect(new Set(used).size).toBe(1);
  });
});

describe('dynamic costs and overrides', () => {
  const BULK = `(module (memory 1) (table 10 funcref)
    (func (export "fill") (param i32) i32.const 0 i32.const 7 local.get 0 memory.fill)
    (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
    (func (export "tfill") (param i32) i32.const 0 ref.null func local.get 0 table.fill))`;
  test('memory.fill charges per started 8 bytes, memory.grow per page, table.fill per element', async () => {
    const s = await instantiateWat(BULK, { gas: 1e9 });
    const cost = (f: () => void) => { const b = s.store.gasUsed; f(); return s.store.gasUsed - b; };
    const f8 = cost(() => s.exports.fill(8));
    expect(cost(() => s.exports.fill(800)) - f8).toBe(99);
    expect(cost(() => s.exports.fill(801)) - f8).toBe(100);
    const g0 = cost(() => s.exports.grow(0));
    expect(cost(() => s.exports.grow(2)) - g0).toBe(128);
    const t0 = cost(() => s.exports.tfill(0));
    expect(cost(() => s.exports.tfill(10)) - t0).toBe(10);
  });

  test('a dynamic cost over budget traps before the effect', async () => {
    const s = await instantiateWat(BULK, { gas: 1e9 });
    const b = s.store.gasUsed;
    s.exports.fill(8);
    const static8 = s.store.gasUsed - b - 1;
    s.store.gasRemaining = static8 + 10; // the fill of 800 bytes needs 100 dynamic
    expect(thrown(() => s.exports.fill(800)).code).toBe('out_of_gas');
    expect(s.store.gasRemaining).toBe(10);
  });

  // Regression (session 1 left it): bulk ops charged per element before the bounds
  // check, so a huge out-of-bounds op gave out_of_gas instead of the spec's trap.
  test('an out-of-bounds bulk op traps out of bounds before its dynamic charge, writing nothing', async () => {
    const OPS = `(module (memory 1) (table $t 10 funcref) (table $u 10 funcref)
      (data $d "abcdefgh") (elem $e func $f $f $f)
      (func $f)
      (func (export "mfill") (param i32 i32) local.get 0 i32.const 7 local.get 1 memory.fill)
      (func (export "mcopy") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.copy)
      (func (export "minit") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.init $d)
      (func (export "tfill") (param i32 i32) local.get 0 ref.func $f local.get 1 table.fill $t)
      (func (export "tcopy") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 table.copy $t $u)
      (func (export "tinit") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 table.init $t $e)
      (func (export "byte") (param i32) (result i32) local.get 0 i32.load8_u)
      (func (export "null") (param i32) (result i32) local.get 0 table.get $t ref.is_null))`;
    const HUGE = 0xfffffff0 | 0;
    // [export, trap, out-of-bounds arguments (huge counts, and a count one past the end)]
    const cases: [string, string, number[]][] = [
      ['mfill', 'memory_out_of_bounds', [1, HUGE]],
      ['mfill', 'memory_out_of_bounds', [65536 - 8, 9]],
      ['mcopy', 'memory_out_of_bounds', [0, 1, HUGE]],
      ['mcopy', 'memory_out_of_bounds', [65536 - 8, 0, 9]],
      ['minit', 'memory_out_of_bounds', [0, 0, HUGE]],
      ['minit', 'memory_out_of_bounds', [0, 1, 8]],
      ['tfill', 'table_out_of_bounds', [1, HUGE]],
      ['tfill', 'table_out_of_bounds', [8, 3]],
      ['tcopy', 'table_out_of_bounds', [1, 0, HUGE]],
      ['tcopy', 'table_out_of_bounds', [0, 1, 10]],
      ['tinit', 'table_out_of_bounds', [0, 0, HUGE]],
      ['tinit', 'table_out_of_bounds', [9, 0, 2]],
    ];
    for (const [name, code, oob] of cases) {
      // a budget that covers the static costs many times over but not a huge dynamic charge
      const s = await instantiateWat(OPS, { gas: 10_000 });
      const before = s.store.gasUsed;
      const e = thrown(() => s.exports[name](...oob));
      expect([name, e.code]).toEqual([name, code]);
      // only the static block cost was paid: the same as a zero-length op of the same export
      const paid = s.store.gasUsed - before;
      const z = await instantiateWat(OPS, { gas: 10_000 });
      const zBefore = z.store.gasUsed; // (instantiation's price)
      z.exports[name](...oob.map(() => 0));
      expect([name, paid]).toEqual([name, z.store.gasUsed - zBefore]);
      // nothing was written
      expect([name, s.exports.byte(1), s.exports.byte(65535)]).toEqual([name, 0, 0]);
      for (let i = 0; i < 10; i++) expect([name, i, s.exports.null(i)]).toEqual([name, i, 1]);
    }
    // in bounds, the dynamic charge still applies before the effect
    const s = await instantiateWat(OPS, { gas: 1e9 });
    const cost = (f: () => void) => { const b = s.store.gasUsed; f(); return s.store.gasUsed - b; };
    expect(cost(() => s.exports.tfill(0, 10)) - cost(() => s.exports.tfill(0, 0))).toBe(10);
    expect(cost(() => s.exports.mfill(0, 64)) - cost(() => s.exports.mfill(0, 0))).toBe(8);
  });

  test('an in-bounds bulk op over budget is out_of_gas without effect', async () => {
    const s = await instantiateWat(`(module (memory 1)
      (func (export "fill") (param i32) i32.const 0 i32.const 7 local.get 0 memory.fill)
      (func (export "byte") (param i32) (result i32) local.get 0 i32.load8_u))`, { gas: 1e9 });
    const b = s.store.gasUsed;
    s.exports.fill(0);
    const static0 = s.store.gasUsed - b;
    s.store.gasRemaining = static0 + 10; // 65536 bytes need 8192 dynamic
    expect(thrown(() => s.exports.fill(65536)).code).toBe('out_of_gas');
    expect(s.exports.byte(0)).toBe(0);
  });

  test('overrides change the cost of single instructions', async () => {
    const t = '(module (func (export "f") (result i32) i32.const 1 i32.const 2 i32.add))';
    const a = await instantiateWat(t, { config: { gas: 'unit' }, gas: 1000 });
    const b = await instantiateWat(t, { config: { gas: { base: 'unit', costs: { 'i32.add': 10 } } }, gas: 1000 });
    a.exports.f(); b.exports.f();
    expect(a.store.gasUsed).toBe(4);
    expect(b.store.gasUsed).toBe(13);
    expect(() => resolveGasSchedule({ costs: { 'v128.load': 1 } })).toThrow(TypeError);
    expect(resolveGasSchedule({ costs: { 'f64.div': 9 } }).static[0xa3]).toBe(9);
    expect(() => resolveGasSchedule({ costs: { 'i32.add': -1 } })).toThrow(TypeError);
  });

  test('host functions charge gas with consumeGas; over budget is out_of_gas, not host', async () => {
    const s = await instantiateWat(`(module (import "env" "burn" (func $b (param i32)))
      (func (export "f") (param i32) local.get 0 call $b))`, {
      config: { gas: 'unit' }, gas: 1000,
      imports: { env: { burn: new HostFunc({ params: ['i32'], results: [] }, (caller, n: number) => caller.consumeGas(n)) } },
    });
    s.exports.f(100);
    expect(s.store.gasUsed).toBe(3 + 100);
    const e = thrown(() => s.exports.f(10000));
    expect(e.code).toBe('out_of_gas');
    expect(s.store.gasUsed).toBe(103 + 2); // local.get + call charged, the burn was refused
  });
});

test('compileCost is deterministic and linear in module size', async () => {
  const mk = (k: number) => `(module ${Array.from({ length: k }, (_, i) => `(func (export "f${i}") (result i32) i32.const ${i} i32.const 1 i32.add)`).join(' ')})`;
  const e = new Engine();
  const c1 = e.compile(await wat(mk(10))).compileCost;
  const c2 = e.compile(await wat(mk(20))).compileCost;
  const c4 = e.compile(await wat(mk(40))).compileCost;
  expect(e.compile(await wat(mk(10))).compileCost).toBe(c1);
  expect(c1).toBeGreaterThan(0);
  // linear: the increments are roughly proportional (export names grow by a digit)
  expect(c4 - c2).toBeGreaterThanOrEqual(2 * (c2 - c1) - 40);
  expect(c4 - c2).toBeLessThanOrEqual(2 * (c2 - c1) + 40);
  const m = decode(await wat(mk(3)));
  expect(compileCost(m)).toBe(m.byteLength + 300 + 2 * 3 * 4);
});

test('a memory.grow or table.grow that fails costs only its static cost', async () => {
  const s = await instantiateWat(`(module (memory 1 2) (table 1 3 funcref)
    (func (export "g") (param i32) (result i32) local.get 0 memory.grow)
    (func (export "t") (param i32) (result i32) ref.null func local.get 0 table.grow))`, { gas: 1000 });
  const cost = (f: () => unknown) => { const b = s.store.gasUsed; f(); return s.store.gasUsed - b; };
  const fail = cost(() => expect(s.exports.g(0x7fffffff)).toBe(-1));
  expect(cost(() => expect(s.exports.g(1)).toBe(1))).toBe(fail + 64);
  const tfail = cost(() => expect(s.exports.t(0x7fffffff)).toBe(-1));
  expect(cost(() => expect(s.exports.t(2)).toBe(1))).toBe(tfail + 2);
});

test('gas charged by a host function and by wasm it calls back is kept when the host call fails', async () => {
  const engine = new Engine({ gas: 'unit' });
  const store = new Store(engine, { gas: 1e9 });
  let inner: any;
  let mode = 0;
  const m = engine.compile(await wat(`(module (import "env" "h" (func $h))
    (func (export "outer") call $h)
    (func (export "burn") (param i32) (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))`));
  inner = store.instantiate(m, { env: { h: new HostFunc({ params: [], results: [] }, (caller) => {
    caller.consumeGas(1000);
    inner.exports.burn(100); // 5 * 100 + 3 instructions
    if (mode === 1) throw new Error('boom');
    if (mode === 2) inner.exports.burn(1e9); // out of gas inside
  }) } });
  const before = store.gasUsed;
  inner.exports.outer();
  const ok = store.gasUsed - before;
  expect(ok).toBe(2 + 1000 + 503);
  mode = 1;
  const b1 = store.gasUsed;
  expect(thrown(() => inner.exports.outer()).code).toBe('host');
  expect(store.gasUsed - b1).toBe(1 + 1000 + 503); // the caller's `end` never ran
  mode = 2;
  store.gasRemaining = 5000;
  const b2 = store.gasUsed;
  expect(thrown(() => inner.exports.outer()).code).toBe('out_of_gas');
  expect(store.gasUsed - b2).toBeGreaterThan(4000); // the burn before running out stays charged
  expect(store.gasRemaining).toBeLessThan(1000);
});

describe('instantiation is priced', () => {
  const PRICED = `(module
    (memory 3)
    (table 5 funcref)
    (global i32 (i32.const 1)) (global (mut i64) (i64.const 2))
    (func $f)
    (elem (i32.const 0) $f $f)
    (elem funcref (ref.func $f) (ref.null func) (ref.func $f))
    (data (i32.const 0) "123456789")
    (data "passive: charged by memory.init, not here"))`;

  test('memory pages, table elements, element entries, active data bytes and globals, before the start function', async () => {
    const s = await instantiateWat(PRICED, { gas: 1_000_000 });
    // 3 pages x 64 + (5 table elements + 2 + 3 segment entries) x 1 + ceil(9 / 8) x 1 + 2 globals x 10
    expect(s.store.gasUsed).toBe(3 * 64 + 10 + 2 + 20);
    const bytes = await wat(PRICED);
    const custom = new Engine({ gas: { costs: { 'memory.grow.perPage': 1, 'table.perElement': 0, 'memory.perBytes8': 100, 'instantiate.perGlobal': 1000 } } });
    const store = new Store(custom, { gas: 1_000_000 });
    store.instantiate(custom.compile(bytes));
    expect(store.gasUsed).toBe(3 + 0 + 200 + 2000);
    // 'unit' counts executed instructions only; an unmetered store charges nothing
    const unit = new Engine({ gas: 'unit' });
    const u = new Store(unit, { gas: 10 });
    u.instantiate(unit.compile(bytes));
    expect(u.gasUsed).toBe(0);
    const free = new Store(new Engine());
    free.instantiate(free.engine.compile(bytes));
    expect(free.gasUsed).toBe(0);
  });

  test('imported memories and tables cost nothing; a LinkError charges nothing', async () => {
    const bytes = await wat(`(module (import "env" "m" (memory 100)) (import "env" "t" (table 1000 funcref)))`);
    const engine = new Engine();
    const store = new Store(engine, { gas: 1000 });
    const { Memory, Table } = await import('../index');
    store.instantiate(engine.compile(bytes), { env: { m: new Memory({ initial: 100 }), t: new Table({ element: 'funcref', initial: 1000 }) } });
    expect(store.gasUsed).toBe(0);
    const own = engine.compile(await wat('(module (import "env" "missing" (func)) (memory 1))'));
    expect(() => store.instantiate(own, {})).toThrow(/unknown import/);
    expect(store.gasUsed).toBe(0);
  });

  test('a 16,384-page module with a 1,000-gas budget is out_of_gas with nothing allocated; the store stays usable', async () => {
    const { memoryWork } = await import('../interpreter/runtime');
    const big = await wat('(module (memory (export "m") 16384) (table 1000000 funcref) (func (export "f") (result i32) (i32.const 7)))');
    const engine = new Engine();
    const store = new Store(engine, { gas: 1000 });
    const module = engine.compile(big);
    const allocated = memoryWork.allocated;
    const heap = process.memoryUsage().arrayBuffers;
    const e = thrown(() => store.instantiate(module));
    expect(e.code).toBe('out_of_gas');
    expect(memoryWork.allocated).toBe(allocated); // no memory was created
    expect(process.memoryUsage().arrayBuffers - heap).toBeLessThan(1 << 20);
    expect(store.gasRemaining).toBe(1000); // untouched, as for any out_of_gas
    // usable: a small module instantiates and runs; with enough gas the big one does too
    const small = store.instantiate(engine.compile(await wat('(module (memory 1) (func (export "f") (result i32) (i32.const 7)))')));
    expect((small.exports.f as () => number)()).toBe(7);
    expect(store.gasUsed).toBe(64 + 1);
    store.gasRemaining = 16384 * 64 + 1_000_000 + 1;
    const inst = store.instantiate(module);
    expect((inst.exports.f as () => number)()).toBe(7);
    expect(store.gasRemaining).toBe(0);
  });

  test('store.consumeGas bills compileCost (same rule as Caller.consumeGas)', async () => {
    const engine = new Engine();
    const module = engine.compile(await wat('(module (func (export "f")))'));
    const store = new Store(engine, { gas: module.compileCost + 5 });
    store.consumeGas(module.compileCost);
    expect(store.gasUsed).toBe(module.compileCost);
    expect(thrown(() => store.consumeGas(6)).code).toBe('out_of_gas');
    expect(store.gasRemaining).toBe(5);
    expect(() => store.consumeGas(-1)).toThrow(RangeError);
    expect(() => store.consumeGas(0.5)).toThrow(RangeError);
    new Store(engine).consumeGas(1e9); // unmetered: nothing to charge
  });
});

describe('float instructions', () => {
  test('every float instruction of WebAssembly 2.0 has a name and a default cost', () => {
    const s = resolveGasSchedule('default');
    const floatOps = [0x2a, 0x2b, 0x38, 0x39, 0x43, 0x44];
    for (let op = 0x5b; op <= 0x66; op++) floatOps.push(op);
    for (let op = 0x8b; op <= 0xa6; op++) floatOps.push(op);
    for (let op = 0xa8; op <= 0xbf; op++) if (op !== 0xac && op !== 0xad) floatOps.push(op);
    for (let op = 0x100; op <= 0x107; op++) floatOps.push(op);
    const byName: Record<string, number> = {};
    for (const op of floatOps) {
      expect({ op, named: OP_NAMES.has(op) }).toEqual({ op, named: true });
      byName[OP_NAMES.get(op)!] = s.static[op];
    }
    expect(byName).toMatchObject({
      'f32.add': 1, 'f64.mul': 1, 'f64.min': 1, 'f32.neg': 1, 'f64.copysign': 1, 'f32.eq': 1, 'f64.const': 1,
      'f32.div': 4, 'f64.sqrt': 4, 'f64.nearest': 2, 'f32.floor': 2, 'f32.convert_i64_u': 2, 'f64.convert_i64_s': 1,
      'i64.trunc_f64_s': 2, 'i32.trunc_sat_f32_u': 2, 'f32.demote_f64': 1, 'i64.reinterpret_f64': 1,
      'f32.load': 2, 'f64.store': 2,
    });
    const unit = resolveGasSchedule('unit');
    for (const op of floatOps) expect(unit.static[op]).toBe(1);
  });
});
