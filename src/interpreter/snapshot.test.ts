/**
 * Snapshots (snapshot.ts) in one process: the hash against published
 * vectors; round trips of stores at rest and paused (out of gas, host
 * pauses) with tables, globals, several instances, segments and references;
 * every mismatch and unsupported state as its SnapshotError code; damaged
 * snapshots (every truncation length class, random bit flips) all rejected.
 * The cross-process property test is test/snapshot.test.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  Engine, Global, HostFunc, LinkError, Trap, Memory, SnapshotError, Store, Table, callAsync, callResumable, restore, snapshot,
  type Paused, type ResumableCall,
} from '../index';
import { handleOf, internals } from './runtime';
import { hash64, xxh32 } from './hash';
import { memoryHash, reseal, wat } from './testutil';

const ascii = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const seq = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 255);

test('XXH32 matches the published vectors and the reference implementation (Bun.hash.xxHash32) for seeds 0 and 1', () => {
  // published (xxHash's test suite and its language ports)
  expect(xxh32(ascii(''))).toBe(0x02cc5d05);
  expect(xxh32(ascii('a'))).toBe(0x550d7456);
  expect(xxh32(ascii('abc'))).toBe(0x32d153ff);
  expect(xxh32(ascii('abcd'))).toBe(0xa3643705);
  expect(xxh32(ascii('message digest'))).toBe(0x7c948494);
  expect(xxh32(ascii('abcdefghijklmnopqrstuvwxyz'))).toBe(0x63a14d5f);
  expect(xxh32(ascii('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'))).toBe(0x9c285e64);
  expect(xxh32(ascii('Nobody inspects the spammish repetition'))).toBe(0xe2293b2f);
  // computed with Bun.hash.xxHash32 (bun 1.3.14)
  expect(xxh32(ascii(''), 1)).toBe(0x0b2cb792);
  expect(xxh32(ascii('abc'), 1)).toBe(0xaa3da8ff);
  expect(xxh32(ascii('Nobody inspects the spammish repetition'), 1)).toBe(0x534469ea);
  expect(xxh32(seq(1000), 0)).toBe(0xa793e7c7);
  expect(xxh32(seq(1000), 1)).toBe(0xfaf7bd69);
  expect(xxh32(seq(37), 0)).toBe(0xba3f318f);
  expect(xxh32(seq(37), 1)).toBe(0x81fa4da8);
});

test('hash64 is XXH32 with seeds 0 and 1, for every length class and alignment', () => {
  const big = seq(300);
  for (let off = 0; off < 4; off++) {
    for (const n of [0, 1, 3, 4, 15, 16, 17, 31, 32, 33, 64, 100, 255]) {
      const b = big.subarray(off, off + n);
      expect(hash64(b)).toEqual([xxh32(b, 0), xxh32(b, 1)]);
    }
  }
});

/** Byte equality (jest's toEqual walks a large typed array element by element, slowly). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** A library module: a memory, a table, globals and functions that another instance imports. */
const LIB = `(module
  (memory (export "mem") 1 8)
  (table (export "tab") 4 funcref)
  (global (export "g") (mut i64) (i64.const 5))
  (global (export "ext") (mut externref) (ref.null extern))
  (func $dbl (export "dbl") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (elem (i32.const 1) $dbl))`;

/** The main module: imports the library, a host function and a standalone global; passive segments; an externref table. */
const MAIN = `(module
  (import "lib" "mem" (memory 1))
  (import "lib" "tab" (table 4 funcref))
  (import "lib" "g" (global $g (mut i64)))
  (import "lib" "dbl" (func $dbl (param i32) (result i32)))
  (import "env" "h" (func $h (param i32) (result i32)))
  (import "env" "cfg" (global $cfg i32))
  (type $t (func (param i32) (result i32)))
  (table $ext 3 externref)
  (global $count (mut i32) (i32.const 0))
  (global $f (mut f64) (f64.const 0.5))
  (elem $pe funcref (ref.func $sq) (ref.func $dbl))
  (data $pd "snapshot!")
  (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func (export "setext") (param i32 externref) (table.set $ext (local.get 0) (local.get 1)))
  (func (export "getext") (param i32) (result externref) (table.get $ext (local.get 0)))
  (func (export "init") (table.init 0 $pe (i32.const 2) (i32.const 0) (i32.const 2)) (elem.drop $pe)
    (memory.init $pd (i32.const 200) (i32.const 0) (i32.const 9)) (data.drop $pd))
  (func $rec (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
      (else (i32.add (call $rec (i32.sub (local.get 0) (i32.const 1))) (call $rec (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "run") (param $n i32) (result i32) (local $acc i32) (local $i i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (call $rec (i32.and (local.get $i) (i32.const 7)))))
      (local.set $acc (i32.xor (local.get $acc) (call $h (local.get $i))))
      (local.set $acc (i32.add (local.get $acc) (call_indirect (type $t) (local.get $i) (i32.add (i32.const 1) (i32.and (local.get $i) (i32.const 1))))))
      (global.set $g (i64.add (global.get $g) (i64.extend_i32_u (local.get $acc))))
      (global.set $count (i32.add (global.get $count) (global.get $cfg)))
      (global.set $f (f64.mul (global.get $f) (f64.const 1.5)))
      (i32.store (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 0xfffc)) (local.get $acc))
      (if (i32.eq (i32.rem_u (local.get $i) (i32.const 40)) (i32.const 39)) (then (drop (memory.grow (i32.const 1)))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (i32.add (i32.add (local.get $acc) (global.get $count)) (memory.size))))`;

const hostH = (x: number) => (Math.imul(x, 2654435761) ^ 0x5bd1e995) | 0;

async function world(gas?: number, h: unknown = hostH) {
  const engine = new Engine({ features: { floats: true } });
  const store = new Store(engine, gas === undefined ? {} : { gas: 1e9 });
  const lib = engine.compile(await wat(LIB));
  const main = engine.compile(await wat(MAIN));
  const libInst = store.instantiate(lib);
  const mainInst = store.instantiate(main, { lib: libInst.exports, env: { h, cfg: 3 } });
  (mainInst.exports as Record<string, any>).init();
  if (gas !== undefined) store.gasRemaining = gas;
  return { engine, store, lib, main, libInst, mainInst, ex: mainInst.exports as Record<string, any> };
}

/** Everything a test compares about a finished run. */
function outcome(store: Store, libExports: Record<string, any>, value: unknown) {
  return { value, gas: store.gasUsed, mem: memoryHash(libExports), g: libExports.g.value };
}

test('a store at rest: memories, tables (funcref, externref), globals, segment drops and references come back', async () => {
  const w = await world(1e9);
  w.ex.setext(0, 'hello');
  w.ex.setext(1, 42n);
  w.ex.setext(2, undefined);
  w.ex.run(30);
  const bytes = w.store.snapshot();
  expect(sameBytes(snapshot(w.store), bytes)).toBe(true);
  expect(sameBytes(Store.restore(w.engine, [w.lib, w.main], bytes, { env: { h: hostH } }).store.snapshot(), bytes)).toBe(true);
  const r = restore(w.engine, [w.main, w.lib], bytes, { env: { h: hostH } });
  expect(sameBytes(r.store.snapshot(), bytes)).toBe(true);
  expect(r.call).toBeNull();
  expect(r.instances.length).toBe(2);
  const [lib2, main2] = r.instances.map((i) => i.exports as Record<string, any>);
  expect(r.store.gasUsed).toBe(w.store.gasUsed);
  expect(r.store.gasRemaining).toBe(w.store.gasRemaining);
  expect(memoryHash(lib2)).toBe(memoryHash(w.libInst.exports as any));
  expect(lib2.g.value).toBe((w.libInst.exports as any).g.value);
  expect([main2.getext(0), main2.getext(1), main2.getext(2)]).toEqual(['hello', 42n, undefined]);
  expect(lib2.tab.get(2)(7)).toBe(49); // placed by table.init from the passive segment
  expect(lib2.mem).toBe(handleOf(internals(r.instances[1]).memory!));
  w.ex.getext(0), w.ex.getext(1), w.ex.getext(2), (w.libInst.exports as any).tab.get(2)(7);
  // both continue identically
  const a = w.ex.run(50), b = main2.run(50);
  expect(b).toBe(a);
  expect(outcome(r.store, lib2, b)).toEqual(outcome(w.store, w.libInst.exports as any, a));
  // dropped segments stay dropped: init traps the same way in both
  expect(() => w.ex.init()).toThrow(/out of bounds/);
  expect(() => main2.init()).toThrow(/out of bounds/);
});

test('paused at out of gas (every few hundred units) and at host pauses: restored stores finish identically and re-snapshot byte for byte', async () => {
  const ref = await world(1e9);
  const refValue = ref.ex.run(120);
  const want = outcome(ref.store, ref.libInst.exports as any, refValue);
  let restores = 0;
  for (const step of [211, 1500]) {
    const w = await world(0);
    let c: ResumableCall = callResumable(w.ex.run, 120);
    let store = w.store, libEx = w.libInst.exports as Record<string, any>;
    while (!c.done) {
      const bytes = store.snapshot();
      const r = restore(w.engine, [w.lib, w.main], bytes, { env: { h: hostH } });
      expect(r.call).not.toBeNull();
      expect(sameBytes(r.store.snapshot(), bytes)).toBe(true);
      restores++;
      // continue in the restored store; the original is abandoned
      c.cancel();
      store = r.store;
      libEx = r.instances[0].exports as Record<string, any>;
      store.gasRemaining = store.gasRemaining + step;
      c = r.call!.resume();
    }
    expect(outcome(store, libEx, c.value)).toEqual(want);
  }
  expect(restores).toBeGreaterThan(50);

  // host pauses: the host answers later, possibly in another store
  let pauses = 0;
  const pausing = new HostFunc({ params: ['i32'], results: ['i32'] }, (caller, x) => caller.pause({ ask: x, list: [1, 'two', 3n, null] }));
  const w = await world(1e9, pausing);
  let c: ResumableCall = callResumable(w.ex.run, 120);
  let store = w.store, libEx = w.libInst.exports as Record<string, any>;
  while (!c.done) {
    const p = c as Paused;
    expect(p.reason).toBe('host');
    const bytes = store.snapshot();
    const r = restore(w.engine, [w.lib, w.main], bytes, { env: { h: pausing } });
    expect(r.call!.payload).toEqual(p.payload);
    expect(sameBytes(r.store.snapshot(), bytes)).toBe(true);
    const ask = (p.payload as { ask: number }).ask;
    p.cancel();
    store = r.store;
    libEx = r.instances[0].exports as Record<string, any>;
    c = r.call!.resume(hostH(ask));
    pauses++;
  }
  expect(pauses).toBe(120);
  expect(outcome(store, libEx, c.value)).toEqual(want);
});

test('a mismatched engine, module, metering or host function is a typed error naming it', async () => {
  const w = await world(1e9);
  const bytes = w.store.snapshot();
  const err = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e as SnapshotError;
    }
    throw new Error('expected an error');
  };
  // another engine configuration: the differing key is named
  const e1 = err(() => restore(new Engine({ features: { floats: true }, limits: { maxCallDepth: 999 } }), [], bytes));
  expect(e1).toBeInstanceOf(SnapshotError);
  expect(e1.code).toBe('engine_mismatch');
  expect(e1.message).toMatch(/limits\.maxCallDepth: snapshot \d+, this engine 999/);
  const e2 = err(() => restore(new Engine({ features: { floats: true }, gas: { costs: { call: 10 } } }), [], bytes));
  expect(e2.code).toBe('engine_mismatch');
  expect(e2.message).toMatch(/gas/);
  // a module with other bytes
  const other = w.engine.compile(await wat(LIB.replace('(i64.const 5)', '(i64.const 6)')));
  const e3 = err(() => restore(w.engine, [other, w.main], bytes, { env: { h: hostH } }));
  expect(e3.code).toBe('module_mismatch');
  expect(e3.message).toMatch(/module 0 of the snapshot \(hash [0-9a-f]{16}, \d+ bytes\) is not among the modules given/);
  // a missing host function is a LinkError naming the import
  const e4 = err(() => restore(w.engine, [w.lib, w.main], bytes, {}));
  expect(e4).toBeInstanceOf(LinkError);
  expect(e4.message).toMatch(/"env" "h"/);
  // metering is part of the configuration: an unmetered store's snapshot restores unmetered
  const u = await world();
  const ru = restore(u.engine, [u.lib, u.main], u.store.snapshot(), { env: { h: hostH } });
  expect(ru.store.gasRemaining).toBe(Infinity);
});

test('state that cannot be saved is SnapshotError unsupported', async () => {
  const w = await world(1e9);
  w.ex.setext(0, { an: 'object' });
  expect(() => w.store.snapshot()).toThrow(expect.objectContaining({ code: 'unsupported' }));
  const a = await world(1e9, async (x: number) => x);
  const pending = callAsync(a.ex.run, 3);
  expect(() => a.store.snapshot()).toThrow(expect.objectContaining({ code: 'unsupported' }));
  await pending;
  // from inside a host function (a call is running)
  let inner: unknown;
  const b = await world(1e9, (x: number) => {
    try {
      b2.store.snapshot();
    } catch (e) {
      inner = e;
    }
    return x;
  });
  const b2 = b;
  b.ex.run(1);
  expect(inner).toBeInstanceOf(SnapshotError);
  expect((inner as SnapshotError).code).toBe('unsupported');
  // a host pause payload that is not plain data
  const c = await world(1e9, new HostFunc({ params: ['i32'], results: ['i32'] }, (caller) => caller.pause(new Map())));
  const p = callResumable(c.ex.run, 3);
  expect(p.done).toBe(false);
  expect(() => c.store.snapshot()).toThrow(expect.objectContaining({ code: 'unsupported' }));
});

const CODES = ['truncated', 'bad_magic', 'version', 'checksum', 'malformed'];

test('damaged snapshots (every truncation, random bit flips, foreign bytes) are all rejected with SnapshotError, nothing runs', async () => {
  let calls = 0;
  const h = (x: number) => {
    calls++;
    return hostH(x);
  };
  const w = await world(0, h);
  let c = callResumable(w.ex.run, 60);
  for (let k = 0; k < 10 && !c.done; k++) {
    w.store.gasRemaining = w.store.gasRemaining + 150;
    c = (c as Paused).resume();
  }
  expect(c.done).toBe(false);
  const bytes = w.store.snapshot();
  const before = calls;
  const reject = (b: Uint8Array) => {
    let e: unknown;
    try {
      const r = restore(w.engine, [w.lib, w.main], b, { env: { h } });
      r.call?.resume();
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(SnapshotError);
    expect(CODES).toContain((e as SnapshotError).code);
  };
  // truncations: every length up to 200, then a sample
  for (let n = 0; n < Math.min(200, bytes.length); n++) reject(bytes.subarray(0, n));
  for (let n = 200; n < bytes.length; n += 1 + Math.floor(bytes.length / 300)) reject(bytes.slice(0, n));
  // one bit flipped anywhere
  let x = 12345;
  for (let k = 0; k < 600; k++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const b = bytes.slice();
    const i = k < 256 ? k % bytes.length : x % bytes.length;
    b[i] ^= 1 << (x >>> 29);
    reject(b);
  }
  // foreign and empty
  reject(new Uint8Array(0));
  reject(fs.readFileSync(path.join(__dirname, '../../bench/corpus/fib.wasm')));
  reject(Uint8Array.from(bytes, (v, i) => (i < 8 ? v : 0)));
  expect(calls).toBe(before);

  // the same damage with the hash made valid again (a crafted snapshot): restore's own checks reject it,
  // or it restores to a state that runs (bounded by gas) to a result or a Trap; never another exception
  const outcomes = new Map<string, number>();
  for (let k = 0; k < 600; k++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const b = bytes.slice();
    // the metadata at the start, the paused call at the end (the memory pages between are plain data)
    b[k % 2 === 0 ? 32 + (x % 4096) : bytes.length - 1 - (x % 8192)] ^= 1 << (k & 7);
    let kind: string;
    try {
      const r = restore(w.engine, [w.lib, w.main], reseal(b), { env: { h } });
      r.store.gasRemaining = 20_000;
      const done = r.call!.resume();
      kind = done.done ? 'finished' : 'paused';
    } catch (e) {
      if (e instanceof SnapshotError) kind = e.code;
      else if (e instanceof LinkError || e instanceof Trap) kind = e.name;
      else throw e;
    }
    outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
  }
  expect(outcomes.get('malformed')).toBeGreaterThan(10);
  expect(outcomes.get('engine_mismatch')).toBeGreaterThan(5);
}, 60_000);

test('host-made memories, tables and globals come back as new objects with their state; imports per instance', async () => {
  const engine = new Engine();
  const m = engine.compile(await wat(`(module
    (import "env" "mem" (memory 1))
    (import "env" "tab" (table 2 funcref))
    (import "env" "g" (global $g (mut i32)))
    (import "env" "f" (func $f (result i32)))
    (func $k (result i32) (i32.const 11))
    (elem (i32.const 0) $k)
    (export "mem" (memory 0)) (export "tab" (table 0)) (export "g" (global 0))
    (func (export "bump") (result i32)
      (global.set $g (i32.add (global.get $g) (call $f)))
      (i32.store (i32.const 8) (global.get $g))
      (global.get $g)))`));
  const store = new Store(engine, { gas: 1e6 });
  const env = { mem: new Memory({ initial: 1, maximum: 3 }), tab: new Table({ element: 'funcref', initial: 2 }), g: new Global({ value: 'i32', mutable: true }, 5), f: () => 2 };
  env.mem.grow(1);
  const a = store.instantiate(m, { env });
  const b = store.instantiate(m, { env: { ...env, f: () => 100 } });
  expect([(a.exports.bump as () => number)(), (b.exports.bump as () => number)()]).toEqual([7, 107]);
  const bytes = store.snapshot();
  const r = restore(engine, [m], bytes, [{ env: { f: () => 2 } }, { env: { f: () => 100 } }]);
  const [ea, eb] = r.instances.map((i) => i.exports as Record<string, any>);
  expect(ea.mem).not.toBe(env.mem);
  expect(ea.mem).toBe(eb.mem); // still one memory, shared
  expect(ea.g).toBe(eb.g);
  expect(ea.tab).toBe(eb.tab);
  expect([ea.mem.pages, ea.g.value, new Int32Array(ea.mem.buffer)[2], ea.tab.get(0)()]).toEqual([2, 107, 107, 11]);
  expect(() => ea.mem.grow(1)).not.toThrow();
  expect(() => ea.mem.grow(1)).toThrow(RangeError); // the maximum (3) came back too
  expect([ea.bump(), eb.bump()]).toEqual([109, 209]);
  expect(r.store.gasUsed).toBeGreaterThan(store.gasUsed);
});

test('the header: bad magic, another version, a wrong code hash (resealed) are named', async () => {
  const w = await world(0);
  const c = callResumable(w.ex.run, 60);
  expect(c.done).toBe(false);
  const bytes = w.store.snapshot();
  const code = (b: Uint8Array) => {
    try {
      restore(w.engine, [w.lib, w.main], b, { env: { h: hostH } });
    } catch (e) {
      return (e as SnapshotError).code;
    }
    return 'restored';
  };
  const magic = bytes.slice();
  magic[1] = 0x45;
  expect(code(magic)).toBe('bad_magic');
  const version = bytes.slice();
  version[8] = 1; // format 1 (before the WebAssembly 3.0 state)
  expect(code(version)).toBe('version');
  // the last hash string of the snapshot is a frame function's code hash: change one digit, make the hash valid again
  const text = Buffer.from(bytes).toString('latin1');
  const at = [...text.matchAll(/\x10\x00\x00\x00[0-9a-f]{16}/g)].pop()!.index! + 4;
  const other = bytes.slice();
  other[at] = other[at] === 0x30 ? 0x31 : 0x30;
  expect(code(reseal(other))).toBe('code_mismatch');
  expect(code(bytes)).toBe('restored');
});
