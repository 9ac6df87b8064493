/**
 * Snapshots of WebAssembly 3.0 state in process (snapshot.ts format 2): tags
 * shared across instances and host tags re-linked by import name, exnrefs
 * (saved as tag and payload, or 'unsupported'), multi-memory, memory64 and
 * table64 types, and damaged 3.0 snapshots. test/snapshot3.test.ts runs the
 * same modules across processes at random pause points.
 */
import {
  Engine, Exception, HostFunc, LinkError, SnapshotError, Store, Tag, Trap, callResumable, restore,
  type Paused, type ResumableCall,
} from '../index';
import { internals } from './runtime';
import { tagHandle } from './exn';
import { wat3 } from '../validator/testutil';
import { reseal } from './testutil';
import { LIB3, MAIN3 } from '../../test/fixtures/snapshot3-modules';

const hostH = (x: number) => (Math.imul(x, 2654435761) ^ 0x5bd1e995) | 0;
const engine = new Engine({ features: { preset: '3.0' } });
const [libBytes, mainBytes] = wat3([LIB3, MAIN3]);
const lib = engine.compile(libBytes);
const main = engine.compile(mainBytes);
const pausing = new HostFunc({ params: ['i32'], results: ['i32'] }, (caller, x) => caller.pause({ ask: x }));

/** The two instances in a new store: `h` the host function, `t` the host tag. */
function world(h: unknown, t: Tag, gas = 1e12) {
  const store = new Store(engine, { gas });
  const imports: Record<string, Record<string, unknown>> = { env: { h, t } };
  const l = store.instantiate(lib, imports);
  imports.lib = l.exports as Record<string, unknown>;
  const m = store.instantiate(main, imports);
  return { store, l, m, run: (m.exports as Record<string, any>).run };
}

/** Finishes a call, answering host pauses with hostH and topping up gas. */
function finish(store: Store, c: ResumableCall): unknown {
  while (!c.done) {
    if (c.reason === 'host') c = c.resume(hostH((c.payload as { ask: number }).ask));
    else {
      store.gasRemaining = 1e12;
      c = c.resume();
    }
  }
  return c.value;
}

test('a paused 3.0 call: the library tag is one object in both restored instances, the host tag is the one given, memories, memory64 and table64 keep their types and maximums, and the call finishes as uninterrupted', () => {
  const ref = world(hostH, new Tag({ parameters: ['i32'] }));
  const want = ref.run(40);
  const wantGas = ref.store.gasUsed;

  const w = world(pausing, new Tag({ parameters: ['i32'] }));
  let c = callResumable(w.run, 40);
  for (let k = 0; k < 9; k++) c = (c as Paused).resume(hostH(((c as Paused).payload as { ask: number }).ask));
  expect(c.done).toBe(false);
  const bytes = w.store.snapshot();

  const given = new Tag({ parameters: ['i32'] });
  const r = restore(engine, [lib, main], bytes, { env: { h: pausing, t: given } });
  const [rl, rm] = r.instances.map((i) => internals(i));
  expect(rm.tags[0]).toBe(rl.tags[0]);
  expect(rl.exports.e).toBe(tagHandle(rl.tags[0]));
  expect(rm.tags[1]).toBe(internals(given));
  expect(rm.memories.map((m) => [m.is64, m.max, m.u8.length])).toEqual([[false, 2, 65536], [true, 4, 131072], [false, 3, 65536]]);
  expect(rm.memories[0]).toBe(rl.memories[0]);
  expect(rm.memories[1]).toBe(rl.memories[1]);
  expect(rm.tables.map((t) => t.is64)).toEqual([true, false]);
  expect(finish(r.store, r.call!)).toBe(want);
  expect(r.store.gasUsed).toBe(wantGas);
});

test('without a Tag in the imports a host tag comes back as a new tag shared by its importers; a Tag of another type is a LinkError', () => {
  const w = world(pausing, new Tag({ parameters: ['i32'] }));
  const c = callResumable(w.run, 5);
  expect(c.done).toBe(false);
  const bytes = w.store.snapshot();
  const r = restore(engine, [lib, main], bytes, { env: { h: pausing } });
  expect(tagHandle(internals(r.instances[1]).tags[1])).toBeInstanceOf(Tag);
  expect(() => restore(engine, [lib, main], bytes, { env: { h: pausing, t: new Tag({ parameters: ['i64'] }) } })).toThrow(LinkError);
});

const EXN_HOLDER = `(module
  (import "env" "t" (tag $t (param externref)))
  (import "env" "n" (tag $n (param i32 i64)))
  (import "env" "raise" (func $raise))
  (global $g (mut exnref) (ref.null exn))
  (func (export "keep")
    (global.set $g (block $h (result exnref) (try_table (catch_all_ref $h) (call $raise)) (unreachable))))
  (func (export "again") (result i32 i64)
    (block $h (result i32 i64) (try_table (catch $n $h) (throw_ref (global.get $g))) (unreachable))))`;

test('an exception made in JS is saved by its tag and payload when the payload is numbers; with a reference in it, snapshot is SnapshotError unsupported', () => {
  const [holder] = wat3([EXN_HOLDER]);
  const m = engine.compile(holder);
  const t = new Tag({ parameters: ['externref'] });
  const n = new Tag({ parameters: ['i32', 'i64'] });
  let next: Exception = new Exception(n, [7, 25n]);
  const env = { t, n, raise: () => { throw next; } };
  const store = new Store(engine);
  const ex = store.instantiate(m, { env }).exports as Record<string, any>;
  ex.keep();
  const bytes = store.snapshot();
  const r = restore(engine, [m], bytes, { env });
  expect(internals(r.instances[0]).tags[1]).toBe(internals(n));
  expect((r.instances[0].exports as Record<string, any>).again()).toEqual([7, 25n]);

  next = new Exception(t, [{ an: 'object' }]);
  ex.keep();
  let err: unknown;
  try {
    store.snapshot();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(SnapshotError);
  expect((err as SnapshotError).code).toBe('unsupported');
  expect((err as SnapshotError).message).toMatch(/an exception made in JS or in another store with references in its payload/);
});

test('damaged 3.0 snapshots with a valid hash: restore rejects them with SnapshotError or they run to a result, a Trap or a wasm exception; never another exception', () => {
  const w = world(pausing, new Tag({ parameters: ['i32'] }));
  let c = callResumable(w.run, 30);
  for (let k = 0; k < 5; k++) c = (c as Paused).resume(hostH(((c as Paused).payload as { ask: number }).ask));
  const bytes = w.store.snapshot();
  // the metadata after the engine configuration text (modules, instances, tags, references, memory and
  // table headers) and the paused call at the end
  const meta = 36 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(32, true);
  const outcomes = new Map<string, number>();
  let x = 4242;
  for (let k = 0; k < 240; k++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const b = bytes.slice();
    b[k % 2 === 0 ? meta + (x % 1500) : bytes.length - 1 - (x % 6000)] ^= 1 << (k & 7);
    let kind: string;
    try {
      const r = restore(engine, [lib, main], reseal(b), { env: { h: pausing, t: new Tag({ parameters: ['i32'] }) } });
      r.store.gasRemaining = 20_000;
      let res: ResumableCall = r.call!;
      for (let s = 0; s < 50 && !res.done; s++) res = res.reason === 'host' ? res.resume(1) : res;
      kind = res.done ? 'finished' : 'paused';
    } catch (e) {
      if (e instanceof SnapshotError) kind = e.code;
      else if (e instanceof LinkError || e instanceof Trap) kind = e.name;
      else if (e instanceof Exception) kind = 'exception';
      else throw e;
    }
    outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
  }
  expect(outcomes.get('malformed')).toBeGreaterThan(10);
}, 60_000);

test('a memory64 whose maximum is beyond the JS API range comes back with it, and memory.grow still sees it', () => {
  const [bytes] = wat3([`(module (memory (export "m") i64 1 1000000)
    (func (export "grow") (result i64) (memory.grow (i64.const 1)))
    (func (export "poke") (i64.store (i64.const 65528) (i64.const 0x0102030405060708))))`]);
  const m = engine.compile(bytes);
  const store = new Store(engine);
  const ex = store.instantiate(m).exports as Record<string, any>;
  ex.poke();
  const r = restore(engine, [m], store.snapshot());
  const mem = internals(r.instances[0]).memories[0];
  expect([mem.is64, mem.max, mem.u8.length, mem.u8[65528]]).toEqual([true, 1000000, 65536, 8]);
  expect((r.instances[0].exports as Record<string, any>).grow()).toBe(1n);
  expect(mem.u8.length).toBe(131072);
});
