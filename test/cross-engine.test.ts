/**
 * Cross-engine determinism: the same workload on the built detwasm under Node
 * (V8) and under Bun (JavaScriptCore, the `bun` devDependency) must give
 * identical transcripts: every result's bits, every trap, the gas used after
 * every call and a hash of every memory (cross-engine/run-workload.cjs).
 *
 * The workload: the modules and actions (invoke, get) of spec files,
 * float-heavy ones included (their NaN-producing and NaN-propagating
 * assertions too), plus bench programs (the f64 n-body and f32 matmul
 * among them) at small n. Everything runs with `features.floats` on, so a
 * module is part of the comparison as soon as detwasm can run it: modules
 * with float instructions join by themselves once the interpreter executes
 * them (until then they are `compile:unsupported` in both transcripts).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT, DIST, requireBuild } from './helpers.js';
import { parseWast } from '../spec-tests/wast.js';
import { loadWabt, watToWasm, type Wabt } from '../spec-tests/wat2wasm.js';
import { argWords } from '../spec-tests/engines/values.js';

const SUITE = process.env.WASM_TESTSUITE ? path.resolve(ROOT, process.env.WASM_TESTSUITE) : path.join(ROOT, 'spec-tests/testsuite');
const FLOAT_FILES = [
  'f32.wast', 'f64.wast', 'f32_bitwise.wast', 'f64_bitwise.wast', 'f32_cmp.wast', 'f64_cmp.wast', 'float_exprs.wast',
  'float_misc.wast', 'float_memory.wast', 'float_literals.wast', 'conversions.wast',
];
const INT_FILES = ['i32.wast', 'i64.wast', 'int_exprs.wast', 'memory.wast', 'address.wast', 'endianness.wast', 'select.wast', 'global.wast', 'memory_copy.wast', 'call_indirect.wast'];
const BENCH: Array<[string, number[]]> = [
  ['nbody.wasm', [0, 1, 7, 100]], ['matmul.wasm', [0, 1, 3]], ['sha256.wasm', [1, 5]], ['i64arith.wasm', [3, 10]], ['lz.wasm', [1]],
];
/**
 * The bun binary: the package's bin (set up by its postinstall script), else
 * the platform package's own binary (what the postinstall would link; there
 * when install scripts did not run).
 */
function findBun(): string | undefined {
  const candidates = [
    path.join(ROOT, 'node_modules/.bin/bun'),
    ...['bun-linux-x64', 'bun-linux-x64-baseline', 'bun-linux-aarch64', 'bun-darwin-aarch64', 'bun-darwin-x64']
      .map((p) => path.join(ROOT, 'node_modules/@oven', p, 'bin/bun')),
  ];
  return candidates.find((c) => fs.existsSync(c) && spawnSync(c, ['--version'], { encoding: 'utf8' }).status === 0);
}

type Op =
  | { op: 'script'; file: string; line: number }
  | { op: 'module'; file: string; line: number; wasm: string; name?: string }
  | { op: 'register'; file: string; line: number; as: string; name?: string }
  | { op: 'invoke' | 'get'; file: string; line: number; module?: string; name: string; args: number[] };

function specOps(wabt: Wabt, file: string): Op[] {
  const ops: Op[] = [{ op: 'script', file, line: 0 }];
  for (const cmd of parseWast(fs.readFileSync(path.join(SUITE, file)))) {
    const line = cmd.line;
    if (cmd.kind === 'module') {
      const m = cmd.module;
      if (m.definition || m.source.kind === 'quote') continue;
      const bytes = m.source.kind === 'binary' ? m.source.bytes : watToWasm(wabt, m.source.bytes, `${file}:${line}`);
      ops.push({ op: 'module', file, line, wasm: Buffer.from(bytes).toString('base64'), name: m.name });
    } else if (cmd.kind === 'register') {
      ops.push({ op: 'register', file, line, as: cmd.as, name: cmd.module });
    } else if (cmd.kind === 'action' || cmd.kind === 'assert_return' || cmd.kind === 'assert_trap' || cmd.kind === 'assert_exhaustion') {
      const a = cmd.action;
      const words = a.kind === 'invoke' ? a.args.map(argWords) : [];
      if (words.some((w) => w === undefined)) continue; // references cannot go through raw words
      ops.push({ op: a.kind, file, line, module: a.module, name: a.name, args: (words as [number, number][]).flat() });
    }
  }
  return ops;
}

function benchOps(): Op[] {
  const ops: Op[] = [];
  for (const [name, ns] of BENCH) {
    const file = `bench/corpus/${name}`;
    ops.push({ op: 'script', file, line: 0 });
    ops.push({ op: 'module', file, line: 0, wasm: fs.readFileSync(path.join(ROOT, file)).toString('base64') });
    for (const n of ns) ops.push({ op: 'invoke', file, line: n, name: 'run', args: [n, 0] });
  }
  return ops;
}

function runWith(cmd: string, workload: string): string {
  const r = spawnSync(cmd, [path.join(ROOT, 'test/cross-engine/run-workload.cjs'), workload, DIST], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} exited with ${r.status}: ${r.stderr}`);
  return r.stdout;
}

let tmp: string;
beforeAll(() => {
  requireBuild();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'detwasm-xengine-'));
});
afterAll(() => { if (!process.env.KEEP) fs.rmSync(tmp, { recursive: true, force: true }); });

test('Node (V8) and Bun (JavaScriptCore) give identical results, traps, gas and memory', async () => {
  const bun = findBun();
  expect({ bun: bun !== undefined }).toEqual({ bun: true }); // npm ci installs the bun devDependency
  const wabt = await loadWabt();
  const ops = [...FLOAT_FILES, ...INT_FILES].flatMap((f) => specOps(wabt, f)).concat(benchOps());
  const workload = path.join(tmp, 'workload.json');
  fs.writeFileSync(workload, JSON.stringify({ ops }));

  const node = runWith(process.execPath, workload);
  const viaBun = runWith(bun!, workload);
  const a = node.split('\n'), b = viaBun.split('\n');
  const first = a.findIndex((l, i) => l !== b[i]);
  expect({ firstDifference: first < 0 && a.length === b.length ? null : { node: a[first], bun: b[first] } }).toEqual({ firstDifference: null });

  // the workload really ran: results with gas, memories, bench checksums
  const results = a.filter((l) => / -> [0-9a-f]{8}/.test(l));
  expect(results.length).toBeGreaterThan(3000);
  expect(a.filter((l) => / memory \d+:/.test(l)).length).toBeGreaterThan(20);
  expect(a.some((l) => /^bench\/corpus\/sha256\.wasm:5 run -> [0-9a-f]{8} 00000000 gas=\d+$/.test(l))).toBe(true);
  expect(a.some((l) => / -> trap:integer_divide_by_zero/.test(l))).toBe(true);
  // float modules: every result's bits, NaN-producing and NaN-propagating paths included
  const floatResults = results.filter((l) => FLOAT_FILES.some((f) => l.startsWith(`${f}:`)));
  const nbody = a.find((l) => l.startsWith('bench/corpus/nbody.wasm:100 '));
  expect(floatResults.length).toBeGreaterThan(5000);
  expect(nbody).toMatch(/ -> [0-9a-f]{8} [0-9a-f]{8} gas=[1-9]/);
}, 600_000);
