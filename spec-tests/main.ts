/**
 * CLI of the spec test runner.
 *
 *   node dist/cjs/spec-tests/main.js [--engine detwasm|native] [--gas N] [--floats] [--json FILE] [--jobs N] [--timeout S]
 *                                    [--suite 2.0|3.0] [--text wabt|wasm-tools] [FILE...]
 *
 * `--floats` runs detwasm with `features.floats` on: float modules are
 * compiled and run instead of being skipped by the determinism policy, and
 * float results are checked bit for bit.
 *
 * Without FILE it runs the top-level `*.wast` files of `$WASM_TESTSUITE`
 * (default spec-tests/testsuite, relative to the repository), or with
 * `--suite 3.0` the WebAssembly 3.0 folders (`wasm3WastFiles`: detwasm with
 * the 3.0 preset plus wide arithmetic and custom page sizes, text modules
 * converted by wasm-tools; the out-of-scope files are listed). Prints one line
 * per file and, last, exactly `N passed, N failed, N skipped`. Exit code 1 on
 * any failure, 2 on bad usage.
 */
import { writeFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { OUT_OF_SCOPE_3_0, SUITE_3_0_FEATURES, runWastFiles, testsuiteDir, topLevelWastFiles, wasm3WastFiles } from './index.js';
import { totals, type FileResult } from './results.js';
import { ENGINE_NAMES, type EngineName } from './engines/index.js';

interface CliOptions {
  engine: EngineName;
  gas: bigint | undefined;
  floats: boolean;
  json: string | undefined;
  jobs: number;
  timeoutMs: number;
  files: string[];
  suite: '2.0' | '3.0';
  text: 'wabt' | 'wasm-tools' | undefined;
}

const USAGE = 'usage: main.js [--engine detwasm|native] [--gas N] [--floats] [--json FILE] [--jobs N] [--timeout SECONDS] [--suite 2.0|3.0] [--text wabt|wasm-tools] [FILE...]';
const SHOWN_FAILURES = 5;

function parseArgs(argv: string[]): CliOptions {
  const o: CliOptions = { engine: 'detwasm', gas: undefined, floats: false, json: undefined, jobs: 2, timeoutMs: 60_000, files: [], suite: '2.0', text: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--engine': {
        const e = value();
        if (!(ENGINE_NAMES as readonly string[]).includes(e)) throw new Error(`unknown engine "${e}"`);
        o.engine = e as EngineName;
        break;
      }
      case '--gas': {
        const v = value();
        if (!/^[0-9]+$/.test(v)) throw new Error(`--gas needs a non-negative integer, got "${v}"`);
        o.gas = BigInt(v);
        break;
      }
      case '--floats': o.floats = true; break;
      case '--json': o.json = value(); break;
      case '--jobs': o.jobs = Math.max(1, Number.parseInt(value(), 10) || 1); break;
      case '--timeout': o.timeoutMs = Math.max(1, Number(value())) * 1000; break;
      case '--suite': {
        const v = value();
        if (v !== '2.0' && v !== '3.0') throw new Error(`--suite needs 2.0 or 3.0, got "${v}"`);
        o.suite = v;
        break;
      }
      case '--text': {
        const v = value();
        if (v !== 'wabt' && v !== 'wasm-tools') throw new Error(`--text needs wabt or wasm-tools, got "${v}"`);
        o.text = v;
        break;
      }
      case '-h': case '--help': throw new Error('help');
      default:
        if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
        o.files.push(arg);
    }
  }
  return o;
}

function fileLine(r: FileResult): string {
  const lines = [`${r.file}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`];
  for (const f of r.failures.slice(0, SHOWN_FAILURES)) lines.push(`    line ${f.line} (${f.category}): ${f.message.split('\n')[0]}`);
  if (r.failures.length > SHOWN_FAILURES) lines.push(`    ... and ${r.failures.length - SHOWN_FAILURES} more failures`);
  return lines.join('\n');
}

async function main(): Promise<number> {
  let o: CliOptions;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    const m = (e as Error).message;
    process.stderr.write((m === 'help' ? '' : `${m}\n`) + USAGE + '\n');
    return m === 'help' ? 0 : 2;
  }
  let files = o.files.map((f) => resolve(f));
  if (files.length === 0) {
    const dir = testsuiteDir(resolve(__dirname, '..', '..', '..'));
    if (!existsSync(dir)) {
      process.stderr.write(`test suite not found at ${dir} (set WASM_TESTSUITE or run npm run spec:fetch)\n`);
      return 2;
    }
    if (o.suite === '3.0') {
      files = wasm3WastFiles(dir);
      process.stdout.write(`out of scope (not run): ${Object.entries(OUT_OF_SCOPE_3_0).map(([f, why]) => `${f} (${why})`).join(', ')}\n`);
    } else files = topLevelWastFiles(dir);
  }
  // Print in the order given, as soon as each file and all before it are done.
  const done = new Map<number, FileResult>();
  let printed = 0;
  const results = await runWastFiles(files, {
    engine: o.engine,
    gas: o.gas,
    floats: o.floats,
    jobs: o.jobs,
    timeoutMs: o.timeoutMs,
    text: o.text ?? (o.suite === '3.0' ? 'wasm-tools' : 'wabt'),
    features: o.suite === '3.0' ? SUITE_3_0_FEATURES : undefined,
    onResult: (r, index) => {
      done.set(index, r);
      while (done.has(printed)) process.stdout.write(fileLine(done.get(printed++)!) + '\n');
    },
  });
  const t = totals(results);
  if (o.json) {
    const report = {
      engine: o.engine,
      gas: o.gas === undefined ? null : o.gas.toString(),
      floats: o.floats,
      totals: t,
      files: results,
    };
    writeFileSync(o.json, JSON.stringify(report));
  }
  if (t.messageMismatches > 0) {
    process.stdout.write(`note: ${t.messageMismatches} passing assert_malformed/assert_invalid got a different error message than the script expects${o.json ? '' : ' (listed with --json)'}\n`);
  }
  process.stdout.write(`${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped\n`);
  return t.failed > 0 ? 1 : 0;
}

void main().then((code) => { process.exitCode = code; });
