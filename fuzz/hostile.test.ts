/**
 * Hostile modules against detwasm's public API. Each case must be rejected
 * with the right CompileError, or run to a deterministic end (a value or a
 * Trap) within bounded work (gas) and bounded heap growth; the host process
 * survives, and after every trap the store stays usable with memory intact.
 */
import { CompileError, LimitError, MalformedError, InvalidError, Trap } from '../src/errors.js';
import { loadWabt } from './corpus.js';
import { DetwasmApi, loadDetwasm, memoryBytes } from './detwasm-adapter.js';
import * as H from './hostile-modules.js';

const api: DetwasmApi = loadDetwasm();
const MB = 1024 * 1024;

type Exports = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function heapNow(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Runs fn and fails if the heap (JS heap + array buffers) grew by more than `boundMB` while it ran. */
function boundedHeap<T>(boundMB: number, fn: () => T): T {
  const before = heapNow();
  const r = fn();
  const grew = heapNow() - before;
  if (grew > boundMB * MB) throw new Error(`heap grew by ${(grew / MB).toFixed(1)} MiB, bound ${boundMB} MiB`);
  return r;
}

/** The CompileError thrown by compile, or null if it compiled. Any other exception fails the test. */
function compileError(bytes: Uint8Array, config: object = {}): CompileError | null {
  const engine = new api.Engine(config);
  try {
    engine.compile(bytes);
    return null;
  } catch (e) {
    if (e instanceof CompileError) return e;
    throw new Error(`compile threw a non-CompileError: ${(e as Error)?.stack ?? String(e)}`);
  }
}

function instantiate(bytes: Uint8Array, opts: { gas?: number | bigint; config?: object; imports?: object } = {}): { exports: Exports; store: InstanceType<DetwasmApi['Store']> } {
  const engine = new api.Engine(opts.config ?? {});
  const module = engine.compile(bytes);
  const store = new api.Store(engine, opts.gas === undefined ? {} : { gas: opts.gas });
  const inst = store.instantiate(module, opts.imports ?? {});
  return { exports: inst.exports as Exports, store };
}

/** Calls fn, expecting a detwasm Trap; returns it (anything else fails). */
function trapOf(fn: () => unknown): Trap {
  try {
    fn();
  } catch (e) {
    if (e instanceof Trap) return e;
    throw new Error(`expected a Trap, got ${(e as Error)?.stack ?? String(e)}`);
  }
  throw new Error('expected a Trap, but the call returned');
}

/** The innermost Trap in a cause chain (host frames may wrap a nested trap). */
function rootTrap(t: Trap): Trap {
  let cur: unknown = t;
  let last = t;
  for (let i = 0; i < 100_000 && cur; i++) {
    if (cur instanceof Trap) last = cur;
    cur = (cur as { cause?: unknown }).cause;
  }
  return last;
}

let wabt: Awaited<ReturnType<typeof loadWabt>>;
beforeAll(async () => {
  wabt = await loadWabt();
});
function wat(text: string): Uint8Array<ArrayBuffer> {
  const m = wabt.parseWat('hostile.wat', new Uint8Array(Buffer.from(text, 'utf8')), {});
  const b = Uint8Array.from(m.toBinary({}).buffer);
  m.destroy();
  return b;
}

describe('hostile binaries are rejected cheaply or compile within bounds', () => {
  test.each([
    ['block', 100_000], ['loop', 100_000], ['if', 100_000],
  ] as const)('%s nested %i deep: LimitError (maxControlDepth)', (kind, n) => {
    const bytes = H.nestedBlocks(n, kind); // built outside the measurement
    const e = boundedHeap(64, () => compileError(bytes));
    expect(e).toBeInstanceOf(LimitError);
    expect((e as LimitError).limit).toBe('maxControlDepth');
  });

  test.each(['block', 'loop', 'if'] as const)('%s nested 49,000 deep compiles and runs without a JS stack overflow', kind => {
    const bytes = H.nestedBlocks(49_000, kind);
    const { exports } = boundedHeap(128, () => instantiate(bytes, { gas: 10_000_000 }));
    expect(exports.f()).toBeUndefined();
  });

  test('br_table with 1,000,000 targets compiles and branches correctly', () => {
    const bytes = H.hugeBrTable(1_000_000);
    const { exports } = boundedHeap(256, () => instantiate(bytes, { gas: 1_000_000 }));
    expect(exports.f(0)).toBe(7);
    expect(exports.f(1)).toBe(9);
    expect(exports.f(999_999)).toBe(9);
    expect(exports.f(1_000_000)).toBe(7); // default
    expect(exports.f(-1)).toBe(7); // default (unsigned index)
  });

  test('br_table with 1,000,001 targets: LimitError', () => {
    const bytes = H.hugeBrTable(1_000_001);
    const e = boundedHeap(16, () => compileError(bytes));
    expect(e).toBeInstanceOf(LimitError);
    expect((e as LimitError).limit).toBe('maxBrTableTargets');
  });

  test('50,000 locals (the limit) compile and run; 50,001 are a LimitError', () => {
    for (const runs of [1, 1000]) {
      const bytes = H.manyLocals(49_999, runs);
      const { exports } = boundedHeap(64, () => instantiate(bytes, { gas: 1_000_000 }));
      expect(exports.f(42)).toBe(42);
      const e = compileError(H.manyLocals(50_000, runs));
      expect(e).toBeInstanceOf(LimitError);
    }
  });

  test('2^32-1 locals claimed in a few bytes: rejected without allocating', () => {
    const small = H.claimedLocals([0xffffffff]);
    expect(small.length).toBeLessThan(100);
    const e = boundedHeap(8, () => compileError(small));
    expect(e?.code).toMatch(/^(limit|malformed)$/);
    // Two runs summing past 2^32: malformed "too many locals" (spec 5.5.13).
    const two = H.claimedLocals([0x80000000, 0x80000000]);
    const e2 = boundedHeap(8, () => compileError(two));
    expect(e2?.code).toMatch(/^(limit|malformed)$/);
  });

  test.each([
    [1, 0x7fffffff], [3, 0xffffffff], [6, 100_000_000], [7, 99_999], [10, 0xffffffff], [11, 0x0fffffff],
  ] as const)('section %i claiming %i entries: MalformedError without allocating', (id, count) => {
    const bytes = H.lyingCount(id, count);
    const e = boundedHeap(8, () => compileError(bytes));
    expect(e).toBeInstanceOf(MalformedError);
  });

  test('section, function body, data segment and name lengths that lie: MalformedError', () => {
    for (const bytes of [H.lyingSectionSize(0xffffffff), H.lyingBodySize(0xfffffff0), H.giantDataSegment(0xffffffff), H.giantDataSegment(1 << 30, 100), H.giantName(0xfffffff0)]) {
      const e = boundedHeap(8, () => compileError(bytes));
      expect(e).toBeInstanceOf(MalformedError);
    }
  });

  test('memory and table limits past the maxima are rejected', () => {
    expect(compileError(H.extremeLimits('memory', 65537))).toBeInstanceOf(InvalidError);
    expect(compileError(H.extremeLimits('memory', 0, 0xffffffff))).toBeInstanceOf(InvalidError);
    expect(compileError(H.extremeLimits('table', 0xffffffff))).toBeInstanceOf(LimitError);
  });

  test('100,000 functions and exports: compiles within a heap bound, functions are lazy but work', () => {
    const bytes = H.manyFunctions(100_000, true);
    const { exports } = boundedHeap(400, () => instantiate(bytes, { gas: 1_000_000 }));
    expect(exports.f0()).toBeUndefined();
    expect(exports.f99999()).toBeUndefined();
  });
});

describe('hostile execution ends deterministically and leaves the store usable', () => {
  const RECURSE = `(module
    (memory (export "mem") 1)
    (global $depth (export "depth") (mut i32) (i32.const 0))
    (func $r (export "r") (param i32)
      ;; record the depth in memory, then recurse forever
      (i32.store (i32.and (i32.mul (local.get 0) (i32.const 4)) (i32.const 0xfffc)) (local.get 0))
      (global.set $depth (local.get 0))
      (call $r (i32.add (local.get 0) (i32.const 1))))
    (func $fat (export "fat") (param i32) (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
      (call $fat (i32.add (local.get 0) (i32.const 1))))
    (type $v (func (param i32)))
    (table 1 funcref) (elem (i32.const 0) $ind)
    (func $ind (export "ind") (param i32)
      (call_indirect (type $v) (i32.add (local.get 0) (i32.const 1)) (i32.const 0)))
    (func (export "ok") (result i32) (i32.const 42)))`;

  test.each([undefined, 1_000_000_000_000])('unbounded recursion is Trap call_stack_exhausted (gas %s), not a RangeError', gas => {
    const { exports } = instantiate(wat(RECURSE), { gas });
    for (const name of ['r', 'fat', 'ind']) {
      const t = trapOf(() => exports[name](0));
      expect(t.code).toBe('call_stack_exhausted');
    }
    // The store is still usable, and what was written before the trap is kept.
    expect(exports.ok()).toBe(42);
    const mem = memoryBytes(exports.mem);
    const view = new DataView(mem.buffer, mem.byteOffset);
    expect(view.getInt32(4, true)).toBe(1);
    expect(view.getInt32(400, true)).toBe(100);
    const depth = exports.depth.value as number;
    expect(depth).toBeGreaterThan(100);
    expect(depth).toBeLessThanOrEqual(10_000); // maxCallDepth
    // Deterministic: a fresh store reaches exactly the same depth.
    const again = instantiate(wat(RECURSE), { gas });
    trapOf(() => again.exports.r(0));
    expect(again.exports.depth.value).toBe(depth);
  });

  test('maxCallDepth is configurable and exact', () => {
    const { exports } = instantiate(wat(RECURSE), { config: { limits: { maxCallDepth: 50 } } });
    expect(trapOf(() => exports.r(0)).code).toBe('call_stack_exhausted');
    const depth = exports.depth.value as number;
    expect(depth).toBeGreaterThanOrEqual(45);
    expect(depth).toBeLessThan(50);
  });

  test('infinite loop: out_of_gas after exactly the budget, top-up resumes usability', () => {
    const bytes = wat(`(module (memory (export "mem") 1)
      (func (export "spin") (i32.store (i32.const 0) (i32.const 0x11223344)) (loop $l (br $l)))
      (func (export "ok") (result i32) (i32.load (i32.const 0))))`);
    const { exports, store } = instantiate(bytes, { gas: 100_000 });
    expect(trapOf(() => exports.spin()).code).toBe('out_of_gas');
    expect(Number(store.gasUsed)).toBeLessThanOrEqual(100_000);
    expect(Number(store.gasUsed)).toBeGreaterThan(90_000);
    store.gasRemaining = 1_000;
    expect(exports.ok()).toBe(0x11223344);
  });

  test('memory.grow in a loop stops at maxMemoryPages (-1), deterministic page count', () => {
    const bytes = wat(`(module (memory (export "mem") 1)
      (func (export "grow") (result i32) (local i32)
        (block $done (loop $l
          (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
          (local.set 0 (i32.add (local.get 0) (i32.const 1)))
          (br $l)))
        (i32.store (i32.const 0) (local.get 0))
        (memory.size)))`);
    const { exports } = boundedHeap(64, () => {
      const r = instantiate(bytes, { gas: 100_000_000, config: { limits: { maxMemoryPages: 64 } } });
      expect(r.exports.grow()).toBe(64);
      return r;
    });
    expect(memoryBytes(exports.mem).length).toBe(64 * 65536);
    // The count of successful grows was stored at address 0 before memory.size was read.
    expect(new DataView(memoryBytes(exports.mem).buffer).getInt32(0, true)).toBe(63);
    // A single huge request fails instead of allocating (its per-page gas is charged even
    // though it fails, so the budget must cover 2^31 pages).
    const big = wat(`(module (memory 1) (func (export "g") (result i32) (memory.grow (i32.const 0x7fffffff))))`);
    const r2 = boundedHeap(8, () => instantiate(big, { gas: 1_000_000_000_000 }).exports.g());
    expect(r2).toBe(-1);
  });

  test('memory.grow one page at a time copies O(final size) bytes in total, not O(pages^2)', () => {
    // Gas per grow is constant per page, so the host's work per grow must not scale with
    // the current memory size, or a module can buy quadratic work with linear gas.
    const bytes = wat(`(module (memory 1)
      (func (export "grow") (result i32)
        (block $done (loop $l
          (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
          (br $l)))
        (memory.size)))`);
    const pages = 128;
    const { exports } = instantiate(bytes, { gas: 1_000_000_000, config: { limits: { maxMemoryPages: pages } } });
    let copied = 0;
    const set = Uint8Array.prototype.set;
    Uint8Array.prototype.set = function (this: Uint8Array, src: ArrayLike<number>, offset?: number) {
      copied += src.length;
      return set.call(this, src, offset);
    } as typeof set;
    let size: number;
    try {
      size = exports.grow();
    } finally {
      Uint8Array.prototype.set = set;
    }
    expect(size).toBe(pages);
    const finalBytes = pages * 65536;
    expect(copied).toBeLessThanOrEqual(4 * finalBytes);
  });

  test('table.grow in a loop stops at maxTableSize (-1)', () => {
    const bytes = wat(`(module (table 1 funcref)
      (func (export "grow") (result i32)
        (block $done (loop $l
          (br_if $done (i32.eq (table.grow (ref.null func) (i32.const 100)) (i32.const -1)))
          (br $l)))
        (table.size)))`);
    const { exports } = boundedHeap(64, () => instantiate(bytes, { gas: 100_000_000, config: { limits: { maxTableSize: 100_001 } } }));
    expect(exports.grow()).toBe(100_001);
    const big = wat(`(module (table 1 funcref) (func (export "g") (result i32) (table.grow (ref.null func) (i32.const 0x7fffffff))))`);
    expect(boundedHeap(8, () => instantiate(big, { gas: 1_000_000_000_000 }).exports.g())).toBe(-1);
  });

  test('bulk operations charge gas before any effect', () => {
    const bytes = wat(`(module (memory (export "mem") 1)
      (func (export "fill") (memory.fill (i32.const 0) (i32.const 0xab) (i32.const 65536))))`);
    const { exports } = instantiate(bytes, { gas: 100 });
    expect(trapOf(() => exports.fill()).code).toBe('out_of_gas');
    expect(memoryBytes(exports.mem).every(b => b === 0)).toBe(true);
  });

  test('a host function that throws: Trap host with the original error as cause; store usable, memory kept', () => {
    const bytes = wat(`(module (import "env" "boom" (func $boom))
      (memory (export "mem") 1)
      (func (export "run") (i32.store (i32.const 8) (i32.const 77)) (call $boom) (i32.store (i32.const 8) (i32.const 88)))
      (func (export "ok") (result i32) (i32.load (i32.const 8))))`);
    const err = new Error('host refuses');
    let calls = 0;
    const { exports } = instantiate(bytes, { gas: 1_000_000, imports: { env: { boom: () => { calls++; throw err; } } } });
    const t = trapOf(() => exports.run());
    expect(t.code).toBe('host');
    expect((t as Error & { cause?: unknown }).cause).toBe(err);
    expect(calls).toBe(1);
    expect(exports.ok()).toBe(77);
    expect(trapOf(() => exports.run()).code).toBe('host');
    expect(calls).toBe(2);
  });

  test('re-entrant host -> wasm -> host calls: bounded depth computes, unbounded is call_stack_exhausted', () => {
    const bytes = wat(`(module (import "env" "down" (func $down (param i32) (result i32)))
      (memory (export "mem") 1)
      (func (export "f") (param i32) (result i32)
        (i32.store (i32.mul (i32.and (local.get 0) (i32.const 0x3fff)) (i32.const 4)) (local.get 0))
        (if (result i32) (i32.eqz (local.get 0))
          (then (i32.const 1000))
          (else (i32.add (call $down (i32.sub (local.get 0) (i32.const 1))) (i32.const 1))))))`);
    let exports: Exports = {};
    const down = (n: number): number => (exports.f as (n: number) => number)(n);
    exports = instantiate(bytes, { gas: 1_000_000_000, imports: { env: { down } } }).exports;
    expect(exports.f(10)).toBe(1010);
    // Unbounded: the host keeps calling back in (n never reaches 0).
    const t = trapOf(() => exports.f(-1 >>> 1));
    expect(rootTrap(t).code).toBe('call_stack_exhausted');
    expect(exports.f(3)).toBe(1003);
  });

  test('gas accounting is deterministic across stores', () => {
    const bytes = wat(`(module (func (export "sum") (param i32) (result i32) (local i32)
      (block $d (loop $l (br_if $d (i32.eqz (local.get 0)))
        (local.set 1 (i32.add (local.get 1) (local.get 0)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br $l)))
      (local.get 1)))`);
    const used: Array<number | bigint> = [];
    for (let i = 0; i < 3; i++) {
      const { exports, store } = instantiate(bytes, { gas: 10_000_000 });
      expect(exports.sum(1000)).toBe(500500);
      used.push(store.gasUsed);
    }
    expect(new Set(used.map(String)).size).toBe(1);
    expect(Number(used[0])).toBeGreaterThan(1000);
  });

  test('an active data segment far out of bounds traps at instantiation without allocating', () => {
    const bytes = wat(`(module (memory 1) (data (i32.const 0xfffffff0) "abcdefghijklmnopqrstuvwxyz"))`);
    const engine = new api.Engine({});
    const module = engine.compile(bytes);
    const store = new api.Store(engine, { gas: 1_000_000 });
    const t = boundedHeap(8, () => trapOf(() => store.instantiate(module, {})));
    expect(t.code).toBe('memory_out_of_bounds');
  });
});
