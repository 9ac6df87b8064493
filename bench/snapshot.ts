/**
 * Snapshot and restore of a store with a 64 MiB memory against a plain copy
 * of that memory (`new Uint8Array(memory)`: allocate and copy), the target
 * being under 10x each. Part of `npm run bench` (run.ts); alone:
 * `npm run build && node dist/cjs/bench/snapshot.js`.
 *
 * Two memories: every page written (random bytes: every page is saved,
 * nothing is sparse) and a quarter of the pages written (the zero pages cost
 * one bit each). Times are medians of `reps` alternating runs after a warm-up.
 */
import { Engine, Memory, Store, restore } from '../src/index.js';
import { median } from './measure.js';
import { encodeU32 } from './wasm-binary.js';

/** One memory's measurement, in milliseconds. */
export interface SnapshotPoint {
  /** Which pages are written. */
  fill: 'all pages' | 'a quarter of the pages';
  /** Memory size in bytes. */
  memoryBytes: number;
  /** Snapshot size in bytes. */
  snapshotBytes: number;
  copyMs: number;
  snapshotMs: number;
  restoreMs: number;
  /** snapshotMs / copyMs and restoreMs / copyMs. */
  snapshotRatio: number;
  restoreRatio: number;
}

/** A module with an exported memory of `pages` pages and nothing else. */
function memoryModule(pages: number): Uint8Array {
  const memSec = [0x01, 0x00, ...encodeU32(pages)];
  const expSec = [0x01, 0x03, ...Array.from('mem', (c) => c.charCodeAt(0)), 0x02, 0x00];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x05, ...encodeU32(memSec.length), ...memSec,
    0x07, ...encodeU32(expSec.length), ...expSec,
  ]);
}

/** Measures snapshot and restore of a `mib` MiB memory against a plain copy. */
export function measureSnapshot(mib = 64, reps = 7): SnapshotPoint[] {
  const pages = mib * 16;
  const engine = new Engine();
  const module = engine.compile(memoryModule(pages));
  const out: SnapshotPoint[] = [];
  for (const fill of ['all pages', 'a quarter of the pages'] as const) {
    const store = new Store(engine, { gas: 1e9 });
    const mem = store.instantiate(module).exports.mem as Memory;
    const u8 = new Uint8Array(mem.buffer);
    const words = new Int32Array(mem.buffer);
    let x = 0x9e3779b9;
    for (let p = 0; p < pages; p++) {
      if (fill !== 'all pages' && p % 4 !== 0) continue;
      for (let k = p * 16384, e = k + 16384; k < e; k++) {
        x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
        words[k] = x;
      }
    }
    let bytes = store.snapshot();
    restore(engine, [module], bytes); // warm-up
    new Uint8Array(u8);
    const copy: number[] = [], snap: number[] = [], rest: number[] = [];
    for (let i = 0; i < reps; i++) {
      let t = performance.now();
      const c = new Uint8Array(u8);
      copy.push(performance.now() - t);
      if (c[1] !== u8[1]) throw new Error('copy differs');
      t = performance.now();
      bytes = store.snapshot();
      snap.push(performance.now() - t);
      t = performance.now();
      const r = restore(engine, [module], bytes);
      rest.push(performance.now() - t);
      if ((r.instances[0].exports.mem as Memory).pages !== pages) throw new Error('restored memory differs');
    }
    const copyMs = median(copy), snapshotMs = median(snap), restoreMs = median(rest);
    out.push({
      fill, memoryBytes: u8.length, snapshotBytes: bytes.length, copyMs, snapshotMs, restoreMs,
      snapshotRatio: snapshotMs / copyMs, restoreRatio: restoreMs / copyMs,
    });
  }
  return out;
}

/** Prints the measurement (run.ts and the command line). */
export function printSnapshot(points: SnapshotPoint[]): void {
  console.log('\nSnapshot and restore of a store with a 64 MiB memory vs a plain copy of it (median):');
  for (const p of points) {
    console.log(`  ${p.fill}: copy ${p.copyMs.toFixed(1)} ms, snapshot ${p.snapshotMs.toFixed(1)} ms (${p.snapshotRatio.toFixed(2)}x, ${(p.snapshotBytes / 1048576).toFixed(1)} MiB), restore ${p.restoreMs.toFixed(1)} ms (${p.restoreRatio.toFixed(2)}x)`);
  }
}

if (require.main === module) printSnapshot(measureSnapshot());
