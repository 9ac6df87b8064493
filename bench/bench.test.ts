/**
 * Smoke test of the benchmark, which doubles as a correctness test: every
 * corpus program and microbenchmark, at its --quick size, gives the same
 * checksum on detwasm (metered and unmetered) as on the host's WebAssembly.
 * Also checks the binary helpers the runner relies on.
 */
import { loadProgram, normalizeChecksum, PROGRAMS } from './programs.js';
import { detwasmGasPeer, detwasmNoGasPeer, nativePeer, type InProcessPeer } from './peers.js';
import { calibrate, DEFAULT_OPTIONS, measureInProcess } from './measure.js';
import { countFunctions, readSections, replicateFunctions, withMainWrapper } from './wasm-binary.js';
import { checkCell, parseArgs } from './run.js';
import { Engine, Store } from '../src/index.js';

const quick = { ...DEFAULT_OPTIONS, quick: true };

describe('corpus checksums: detwasm equals the native engine', () => {
  for (const program of PROGRAMS) {
    test(program.name, async () => {
      const bytes = await loadProgram(program);
      const native = await measureInProcess(nativePeer, program, bytes, quick);
      expect(native.status).toBe('ok');
      expect(native.n).toBe(program.quickN);
      for (const peer of [detwasmNoGasPeer, detwasmGasPeer]) {
        const cell = await measureInProcess(peer, program, bytes, quick);
        expect({ peer: peer.name, status: cell.status, error: cell.error }).toEqual({ peer: peer.name, status: 'ok', error: undefined });
        expect(cell.checksum).toBe(native.checksum);
        if (peer === detwasmGasPeer) expect(cell.gasPerUnit).toBeGreaterThan(0);
      }
    });
  }
});

test('the C corpus has no float or SIMD instruction (wabt disassembly) and detwasm validates it under its policy', async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wabt = await require('wabt')();
  for (const program of PROGRAMS.filter((p) => p.kind === 'corpus' && !p.floats)) {
    const mod = wabt.readWasm(await loadProgram(program), { bulk_memory: true });
    const text: string = mod.toText({});
    mod.destroy();
    expect({ program: program.name, floats: text.match(/\b(f32|f64|v128)\b/g) }).toEqual({ program: program.name, floats: null });
    expect({ program: program.name, valid: new Engine().validate(await loadProgram(program)) }).toEqual({ program: program.name, valid: true });
  }
});

test('sha256 corpus program passes its known-answer self test on detwasm', async () => {
  const bytes = await loadProgram(PROGRAMS.find((p) => p.name === 'sha256')!);
  const engine = new Engine();
  const instance = new Store(engine, {}).instantiate(engine.compile(bytes), {});
  expect((instance.exports.selftest as () => number)()).toBe(1);
});

test('withMainWrapper: main() returns run(n) for i32 and i64 results', async () => {
  for (const name of ['fib', 'i64arith']) {
    const program = PROGRAMS.find((p) => p.name === name)!;
    const bytes = await loadProgram(program);
    const direct = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), {}).exports as Record<string, (n?: number) => unknown>;
    for (const n of [0, 3, 5]) {
      const wrapped = withMainWrapper(bytes, 'run', n, program.result);
      const exports = new WebAssembly.Instance(new WebAssembly.Module(wrapped as Uint8Array<ArrayBuffer>), {}).exports as Record<string, (n?: number) => unknown>;
      expect(Object.keys(exports)).toEqual(['main']);
      expect(normalizeChecksum(exports.main(), program.result)).toBe(normalizeChecksum(direct.run(n), program.result));
    }
  }
});

test('replicateFunctions: valid module with copies x the functions and the same behaviour', async () => {
  const program = PROGRAMS.find((p) => p.name === 'vm')!;
  const bytes = await loadProgram(program);
  const big = replicateFunctions(bytes, 7);
  expect(countFunctions(big)).toBe(7 * countFunctions(bytes));
  expect(readSections(big).map((s) => s.id)).toEqual(readSections(bytes).filter((s) => s.id !== 0).map((s) => s.id));
  const a = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), {}).exports as Record<string, (n: number) => number>;
  const b = new WebAssembly.Instance(new WebAssembly.Module(big as Uint8Array<ArrayBuffer>), {}).exports as Record<string, (n: number) => number>;
  expect(b.run(2)).toBe(a.run(2));
});

test('calibrate grows n until a run takes half the target, and never beyond nMax', () => {
  const seen: number[] = [];
  const n = calibrate((k) => { seen.push(k); return k * 0.01; }, 1e9, 100); // 0.01 ms per unit
  expect(n * 0.01).toBeGreaterThanOrEqual(50);
  expect(n * 0.01).toBeLessThan(1000);
  expect(seen[0]).toBe(1);
  expect(calibrate((k) => k * 0.01, 300, 100)).toBe(300);
});

test('parseArgs: options and their errors', () => {
  const a = parseArgs(['--quick', '--only', 'fib,vm', '--peers', 'detwasm,polywasm', '--timeout', '5']);
  expect(a).toMatchObject({ quick: true, only: ['fib', 'vm'], peers: ['detwasm', 'polywasm'], timeoutSec: 5, extra: false, out: null });
  expect(() => parseArgs(['--peers', 'nope'])).toThrow(/unknown peer "nope"/);
  expect(() => parseArgs(['--only', 'nope'])).toThrow(/unknown program "nope"/);
  expect(() => parseArgs(['--frobnicate'])).toThrow(/unknown option/);
});

describe('a misbehaving peer is reported, not fatal', () => {
  const program = PROGRAMS.find((p) => p.name === 'fib')!;
  const fake = (name: string, run: (n: number) => unknown): InProcessPeer => ({ name, description: name, prepare: async () => ({ run }) });

  test('wrong checksum -> wrong', async () => {
    const cell = await measureInProcess(fake('liar', () => 42), program, await loadProgram(program), quick);
    expect(cell.status).toBe('ok');
    const checked = await checkCell(cell, program);
    expect(checked.status).toBe('wrong');
    expect(checked.error).toMatch(/^checksum 42, native 220661 \(n=2\)$/);
  });

  test('a throwing run -> failed with the error', async () => {
    const cell = await measureInProcess(fake('thrower', () => { throw new RangeError('boom'); }), program, await loadProgram(program), quick);
    expect(cell).toMatchObject({ status: 'failed', error: "timed runs: RangeError: boom" });
  });

  test('a failing load -> failed', async () => {
    const peer: InProcessPeer = { name: 'noload', description: '', prepare: async () => { throw new Error('cannot load'); } };
    expect(await measureInProcess(peer, program, new Uint8Array(0), quick)).toMatchObject({ status: 'failed', error: 'load: Error: cannot load' });
  });

  test('a correct peer -> ok with the native checksum', async () => {
    const cell = await checkCell(await measureInProcess(detwasmNoGasPeer, program, await loadProgram(program), quick), program);
    expect(cell.status).toBe('ok');
    expect(cell.checksum).toBe(cell.expected);
  });
});

test('the float programs use f32/f64 but no SIMD, and validate with floats on', async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wabt = await require('wabt')();
  const floatPrograms = PROGRAMS.filter((p) => p.floats);
  expect(floatPrograms.map((p) => p.name)).toEqual(['nbody', 'matmul', 'micro-f32', 'micro-f64']);
  for (const program of floatPrograms) {
    const bytes = await loadProgram(program);
    const mod = wabt.readWasm(bytes, {});
    const text: string = mod.toText({});
    mod.destroy();
    expect({ program: program.name, simd: text.match(/\bv128\b/g), floats: /\b(f32|f64)\./.test(text) }).toEqual({ program: program.name, simd: null, floats: true });
    const engine = new Engine({ features: { floats: true } });
    expect(engine.validate(bytes)).toBe(true);
    expect(new Engine().validate(bytes)).toBe(false);
  }
});
