/**
 * Host-cost amplification through linear memory: every API path that touches
 * a memory (`buffer`, grow from wasm and from JS, host reads and writes
 * through `buffer`, `memory.fill/copy/init`) under growth patterns. Gas per
 * grown page is constant, so the host's work per page must be too, whatever
 * the host does between grows. The assertions are on the work done, counted
 * by the engine (`memoryWork`: bytes of backing store allocated and bytes
 * copied between backing stores), never on wall time; the contents are
 * checked against a plain model of the memory.
 */
import { Engine, Memory, Store } from '../src/index.js';
import { internals, memoryWork } from '../src/interpreter/runtime.js';
import { loadWabt } from './corpus.js';

const PAGE = 65536;
type Exports = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let wabt: Awaited<ReturnType<typeof loadWabt>>;
beforeAll(async () => {
  wabt = await loadWabt();
});
function wat(text: string): Uint8Array {
  const m = wabt.parseWat('hostile-memory.wat', new Uint8Array(Buffer.from(text, 'utf8')), {});
  const b = Uint8Array.from(m.toBinary({}).buffer);
  m.destroy();
  return b;
}

/** The first index where a and b differ (lengths included), or -1: jest's toEqual on megabytes of bytes is too slow to diff. */
function firstDiff(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** Work (bytes allocated, bytes copied) done by memories while fn runs. */
function work(fn: () => void): { allocated: number; copied: number } {
  const a = memoryWork.allocated, c = memoryWork.copied;
  fn();
  return { allocated: memoryWork.allocated - a, copied: memoryWork.copied - c };
}

/**
 * A module whose `run(n, delta)` does n times: memory.grow(delta), then calls
 * the host `touch(size)`; plus single instructions for the other paths.
 */
const GROWER = (initial: number, max = '') => `(module
  (import "env" "touch" (func $touch (param i32)))
  (memory (export "mem") ${initial} ${max})
  (data $d "0123456789abcdef")
  (func (export "run") (param $n i32) (param $delta i32)
    (loop $l
      (drop (memory.grow (local.get $delta)))
      (call $touch (memory.size))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init") (param i32 i32 i32) (memory.init $d (local.get 0) (local.get 1) (local.get 2)))
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1))))`;

function setup(initial: number, touch: (this: { memory: Memory }, pages: number) => void, opts: { gas?: number; maxPages?: number; max?: string } = {}) {
  const engine = new Engine({ limits: { maxMemoryPages: opts.maxPages ?? 16384 } });
  const store = new Store(engine, opts.gas === undefined ? {} : { gas: opts.gas });
  const inst = store.instantiate(engine.compile(wat(GROWER(initial, opts.max))), { env: { touch } });
  return { store, x: inst.exports as Exports, mem: inst.exports.mem as Memory };
}

describe('growth with host reads of memory.buffer is amortized O(1) per page', () => {
  test('1 -> 1,024 pages one page at a time, the host reading buffer after every grow: copies < 0.1x, allocates < 1.1x the final size', () => {
    let reads = 0;
    const { x, mem } = setup(1, function (pages) {
      const buf = this.memory.buffer; // the README's log pattern
      expect(buf.byteLength).toBe(pages * PAGE);
      reads++;
    });
    const w = work(() => x.run(1023, 1));
    expect(reads).toBe(1023);
    const final = 1024 * PAGE;
    expect(mem.buffer.byteLength).toBe(final);
    expect(w.copied).toBeLessThan(0.1 * final);
    expect(w.allocated).toBeLessThan(1.1 * final);
  });

  test('64 x (grow 1 + host reads buffer) from 2,048 pages: at most one copy of the memory', () => {
    const { x, mem } = setup(2048, function () { void this.memory.buffer; });
    const w = work(() => x.run(64, 1));
    const final = (2048 + 64) * PAGE;
    expect(mem.buffer.byteLength).toBe(final);
    expect(w.copied).toBeLessThanOrEqual(final);
    expect(w.allocated).toBeLessThanOrEqual(final + 64 * PAGE);
  });

  test('a host that reads buffer before and after every grow, growing from JS too (Memory.grow), with writes through buffer', () => {
    const model = new Uint8Array(600 * PAGE);
    let k = 0;
    const { x, mem } = setup(1, function (pages) {
      // write through the buffer, then grow from JS by one more page and read again
      new Uint8Array(this.memory.buffer)[(pages - 1) * PAGE + (k % PAGE)] = k & 255;
      model[(pages - 1) * PAGE + (k % PAGE)] = k & 255;
      k++;
      expect(this.memory.grow(1)).toBe(pages);
      expect(this.memory.buffer.byteLength).toBe((pages + 1) * PAGE);
    });
    const w = work(() => x.run(299, 1));
    const final = 599 * PAGE;
    expect(mem.buffer.byteLength).toBe(final);
    expect(w.copied).toBeLessThanOrEqual(0.5 * final);
    expect(w.allocated).toBeLessThanOrEqual(1.5 * final);
    // every byte the host wrote is seen by wasm, and everything else is zero
    expect(firstDiff(new Uint8Array(mem.buffer), model.subarray(0, final))).toBe(-1);
    for (let i = 0; i < 299; i += 37) expect(x.load(2 * i * PAGE + (i % PAGE) + PAGE * 0)).toBe(model[2 * i * PAGE + (i % PAGE)]);
  });

  test('reading buffer when the backing has spare capacity: at most one compaction-sized copy, then none', () => {
    const { x, mem } = setup(1, () => {});
    x.run(100, 1); // unobserved growth: the fixed-length backing doubled (spare capacity)
    const final = 101 * PAGE;
    let w = work(() => expect(mem.buffer.byteLength).toBe(final));
    expect(w.copied).toBeLessThanOrEqual(final);
    // from now on grow + read copies nothing
    w = work(() => {
      for (let i = 0; i < 50; i++) {
        x.grow(1);
        void mem.buffer;
      }
    });
    expect(w.copied).toBe(0);
  });

  test('grow(0) + read, 1,000 times: detaches every time, copies nothing', () => {
    const { mem, x } = setup(64, () => {});
    x.store(5, 77);
    const seen = new Set<ArrayBuffer>();
    const w = work(() => {
      for (let i = 0; i < 1000; i++) {
        const b = mem.buffer;
        seen.add(b);
        expect(mem.grow(0)).toBe(64);
        expect(b.byteLength).toBe(0); // detached (JS API)
      }
    });
    expect(seen.size).toBe(1000);
    expect(w).toEqual({ allocated: 0, copied: 0 });
    expect(new Uint8Array(mem.buffer)[5]).toBe(77);
  });
});

describe('memory.fill/copy/init never copy or allocate backing stores, whatever the growth state', () => {
  test.each([
    ['fixed-length backing, never observed', false],
    ['resizable backing, after host reads during growth', true],
  ])('%s', (_what, observed) => {
    const { x, mem } = setup(1, function () { if (observed) void this.memory.buffer; });
    x.run(200, 1);
    if (observed) void mem.buffer;
    const size = 201 * PAGE;
    const w = work(() => {
      for (let i = 0; i < 20; i++) {
        x.fill(i * 1000, i + 1, size - i * 1000);
        x.copy(0, PAGE, size - PAGE);
        x.init(size - 16, 0, 16);
        if (observed) void mem.buffer;
      }
    });
    expect(w).toEqual({ allocated: 0, copied: 0 });
    expect(x.load(size - 1)).toBe('f'.charCodeAt(0));
    expect(x.load(0)).toBe(20);
  });
});

describe('the memory behaves the same on both kinds of backing store', () => {
  /** A seeded random sequence of every memory operation, against a model; returns the final bytes. */
  function randomRun(seed: number, observe: boolean): { bytes: Uint8Array; copied: number; finalSize: number; resizable: boolean } {
    let s = seed;
    const rnd = (n: number) => {
      s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
      return (s >>> 0) % n;
    };
    let model = new Uint8Array(PAGE);
    const { x, mem } = setup(1, () => {}, { max: '300' });
    let copied = 0;
    for (let step = 0; step < 400; step++) {
      const size = model.length;
      const w = work(() => {
        switch (rnd(8)) {
          case 0: { // grow from wasm
            const d = rnd(3);
            const r = x.grow(d);
            if (size / PAGE + d <= 300) {
              expect(r).toBe(size / PAGE);
              const m = new Uint8Array(size + d * PAGE);
              m.set(model);
              model = m;
            } else expect(r).toBe(-1);
            break;
          }
          case 1: { // grow from JS
            if (size / PAGE + 1 > 300) break;
            expect(mem.grow(1)).toBe(size / PAGE);
            const m = new Uint8Array(size + PAGE);
            m.set(model);
            model = m;
            break;
          }
          case 2: { // host write through buffer
            const a = rnd(size), v = rnd(256);
            new Uint8Array(mem.buffer)[a] = v;
            model[a] = v;
            break;
          }
          case 3: { // wasm store
            const a = rnd(size), v = rnd(256);
            x.store(a, v);
            model[a] = v;
            break;
          }
          case 4: { // fill
            const d = rnd(size), n = rnd(size - d), v = rnd(256);
            x.fill(d, v, n);
            model.fill(v, d, d + n);
            break;
          }
          case 5: { // copy
            const n = rnd(size), d = rnd(size - n + 1), src = rnd(size - n + 1);
            x.copy(d, src, n);
            model.copyWithin(d, src, src + n);
            break;
          }
          case 6: { // init
            const n = rnd(17), d = rnd(size - n + 1), o = rnd(17 - n);
            x.init(d, o, n);
            for (let i = 0; i < n; i++) model[d + i] = '0123456789abcdef'.charCodeAt(o + i);
            break;
          }
          case 7: { // host read
            const a = rnd(size); // (drawn either way: both runs see the same sequence)
            if (observe) expect(new Uint8Array(mem.buffer)[a]).toBe(model[a]);
            break;
          }
        }
      });
      copied += w.copied;
    }
    const bytes = new Uint8Array(mem.buffer).slice();
    expect(firstDiff(bytes, model)).toBe(-1);
    return { bytes, copied, finalSize: model.length, resizable: (mem as unknown as { _rab: unknown })._rab !== null };
  }

  test.each([1, 2, 3, 4])('seed %i: same bytes with and without host reads; copies bounded by the final size', (seed) => {
    const quiet = randomRun(seed * 7919, false);
    const observed = randomRun(seed * 7919, true);
    expect(firstDiff(observed.bytes, quiet.bytes)).toBe(-1);
    // host writes through buffer happen in both runs; only the observed one reads between grows
    expect([quiet.finalSize, observed.resizable]).toEqual([observed.finalSize, true]);
    expect(observed.copied).toBeLessThanOrEqual(3 * observed.finalSize);
  });
});

describe('growth limits', () => {
  test('Memory.grow from JS uses the owning engine\'s maxMemoryPages; a standalone memory the first importer\'s', () => {
    const { mem } = setup(1, () => {}, { maxPages: 10 });
    expect(mem.grow(9)).toBe(1);
    expect(() => mem.grow(1)).toThrow(RangeError);
    // a standalone memory: the default limit until an instance imports it, then the importing engine's
    const standalone = new Memory({ initial: 1 });
    expect(internals(standalone).limit).toBe(16384);
    const engine = new Engine({ limits: { maxMemoryPages: 4 } });
    const store = new Store(engine);
    store.instantiate(engine.compile(wat('(module (import "env" "m" (memory 1)))')), { env: { m: standalone } });
    expect(standalone.grow(3)).toBe(1);
    expect(() => standalone.grow(1)).toThrow(RangeError);
    // a second engine importing it does not change whose memory it is
    const loose = new Engine({ limits: { maxMemoryPages: 100 } });
    new Store(loose).instantiate(loose.compile(wat('(module (import "env" "m" (memory 1)))')), { env: { m: standalone } });
    expect(() => standalone.grow(1)).toThrow(RangeError);
    // wasm's memory.grow uses the running engine's limit
    const { x: x2 } = setup(1, () => {}, { maxPages: 3 });
    expect(x2.grow(2)).toBe(1);
    expect(x2.grow(1)).toBe(-1);
  });

  test('a resizable backing reserves at most the memory\'s limit; a looser importing engine can grow it beyond', () => {
    const m = new Memory({ initial: 1 });
    const tight = new Engine({ limits: { maxMemoryPages: 8 } });
    const tightStore = new Store(tight);
    const a = tightStore.instantiate(tight.compile(wat(GROWER(1).replace('(memory (export "mem") 1 )', '(import "env" "mem" (memory 1))'))), { env: { touch() { void m.buffer; }, mem: m } }).exports as Exports;
    a.run(7, 1); // reads during growth: resizable, reserved up to 8 pages
    expect(m.buffer.byteLength).toBe(8 * PAGE);
    expect(a.grow(1)).toBe(-1);
    const loose = new Engine({ limits: { maxMemoryPages: 64 } });
    const b = new Store(loose).instantiate(loose.compile(wat(GROWER(1).replace('(memory (export "mem") 1 )', '(import "env" "mem" (memory 1))'))), { env: { touch() {}, mem: m } }).exports as Exports;
    a.store(8 * PAGE - 1, 9);
    expect(b.grow(10)).toBe(8);
    expect(m.buffer.byteLength).toBe(18 * PAGE);
    expect(b.load(8 * PAGE - 1)).toBe(9);
  });
});
