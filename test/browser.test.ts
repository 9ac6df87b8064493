/**
 * The ESM build (dist/esm) runs in a real browser: headless Chromium loads it
 * from a local server (127.0.0.1 only) and runs test/fixtures/scenario.mjs;
 * results and gas must be identical to the same scenario in Node.
 *
 * The browser is the headless Chromium build shipped by the npm package
 * `@sparticuz/chromium` (a devDependency, so `npm ci` installs it; no system
 * package needed), driven by `playwright-core`. If it cannot start, the test
 * fails: there is no opt-out.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { ROOT, requireBuild } from './helpers.js';

/**
 * Starts the headless Chromium of `@sparticuz/chromium` in a fresh profile.
 * Its path and flags come from test/chromium.mjs (the package is ESM-only).
 */
async function launchChromium(userDataDir: string) {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'chromium.mjs')], { cwd: ROOT, encoding: 'utf8' });
  const { executablePath, args } = JSON.parse(out) as { executablePath: string; args: string[] };
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(userDataDir, { executablePath, headless: true, args });
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.html': 'text/html',
  '.map': 'application/json',
};

/** Serves /esm/ → dist/esm, /examples/ → examples, /fixtures/ → test/fixtures. Nothing else. */
function startServer(): Promise<http.Server> {
  const mounts: Record<string, string> = {
    '/esm/': path.join(ROOT, 'dist/esm'),
    '/examples/': path.join(ROOT, 'examples'),
    '/fixtures/': path.join(ROOT, 'test/fixtures'),
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><meta charset="utf-8"><title>detwasm browser test</title>');
      return;
    }
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (!url.pathname.startsWith(prefix)) continue;
      const file = path.resolve(dir, '.' + decodeURIComponent(url.pathname.slice(prefix.length - 1)));
      if (!file.startsWith(dir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) break;
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
      res.end(fs.readFileSync(file));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The scenario in Node, through the same ESM build, in a child process. */
function runInNode(): Record<string, unknown> {
  const esm = (f: string) => JSON.stringify(new URL('file://' + path.join(ROOT, f)).href);
  const script = `
    import * as detwasm from ${esm('dist/esm/index.js')};
    import * as compat from ${esm('dist/esm/compat.js')};
    import { scenario } from ${esm('test/fixtures/scenario.mjs')};
    import { readFileSync } from 'node:fs';
    const load = async (name) => new Uint8Array(readFileSync(${JSON.stringify(path.join(ROOT, 'examples'))} + '/' + name));
    console.log(JSON.stringify(await scenario(detwasm, compat, load)));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop() as string);
}

describe('browser (headless Chromium)', () => {
  let server: http.Server | undefined;
  let userDataDir: string | undefined;

  beforeAll(async () => {
    requireBuild();
    server = await startServer();
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  });

  test('dist/esm runs in the browser with the same results and gas as in Node', async () => {
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'detwasm-chromium-'));
    const context = await launchChromium(userDataDir);
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
      const port = (server!.address() as AddressInfo).port;
      await page.goto(`http://127.0.0.1:${port}/`);
      const json = await page.evaluate(`(async () => {
        const detwasm = await import('/esm/index.js');
        const compat = await import('/esm/compat.js');
        const { scenario } = await import('/fixtures/scenario.mjs');
        const load = async (name) => new Uint8Array(await (await fetch('/examples/' + name)).arrayBuffer());
        return JSON.stringify(await scenario(detwasm, compat, load));
      })()`);
      const inBrowser = JSON.parse(json as string);
      expect(await page.evaluate('navigator.userAgent')).toMatch(/HeadlessChrome\/\d+/);
      const inNode = runInNode();
      expect(problems).toEqual([]);
      expect(inBrowser).toEqual(inNode);
      // Sanity: the values are right, not just equal (checked against V8's native WebAssembly).
      expect(inNode).toMatchObject({
        hash: '-2479957013007382212',
        hashTrap: expect.stringMatching(/^memory_out_of_bounds in function \d+$/),
        memoryDetach: 'true,0,131072,9',
        fib: 6765,
        fib64: '2880067194370816120',
        outOfGas: 'out_of_gas',
        floats: 'PolicyError floats',
        compatHash: '4905232055466566377',
        compatValidateFloats: true,
      });
      expect(BigInt(inNode.hashGas as string)).toBeGreaterThan(0n);
      expect(BigInt(inNode.fibGas as string)).toBeGreaterThan(0n);
    } finally {
      await context.close();
    }
  });

  test('in Chromium, 64 x (memory.grow + host reads memory.buffer) from 2,048 pages copies the memory at most once', async () => {
    const { wat } = await import('../src/interpreter/testutil.js');
    const bytes = await wat(`(module (import "env" "touch" (func $touch))
      (memory (export "mem") 2048 65536)
      (func (export "run") (param $n i32)
        (loop $l
          (drop (memory.grow (i32.const 1)))
          (call $touch)
          (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'detwasm-chromium-'));
    const context = await launchChromium(dir);
    try {
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${(server!.address() as AddressInfo).port}/`);
      const r = (await page.evaluate(`(async () => {
        const detwasm = await import('/esm/index.js');
        const { memoryWork } = await import('/esm/interpreter/runtime.js');
        const bytes = Uint8Array.from(atob(${JSON.stringify(Buffer.from(bytes).toString('base64'))}), (c) => c.charCodeAt(0));
        let mem;
        const nativeInst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { touch() { void mem.buffer; } } });
        mem = nativeInst.exports.mem;
        let t = performance.now();
        nativeInst.exports.run(64);
        const nativeMs = performance.now() - t;
        const engine = new detwasm.Engine({ limits: { maxMemoryPages: 65536 } });
        const inst = new detwasm.Store(engine, { gas: 1e9 }).instantiate(engine.compile(bytes), { env: { touch() { void this.memory.buffer; } } });
        const copied = memoryWork.copied;
        t = performance.now();
        inst.exports.run(64);
        const detwasmMs = performance.now() - t;
        return { copied: memoryWork.copied - copied, size: inst.exports.mem.buffer.byteLength, nativeSize: mem.buffer.byteLength, nativeMs, detwasmMs };
      })()`)) as { copied: number; size: number; nativeSize: number; nativeMs: number; detwasmMs: number };
      expect(r.size).toBe(r.nativeSize);
      expect(r.copied).toBeLessThanOrEqual(r.size);
      // (wall time is only reported: the assertion is on the work counted by the engine)
      console.log(`Chromium: 64 x (grow + buffer) from 2,048 pages: detwasm ${r.detwasmMs.toFixed(1)} ms, native ${r.nativeMs.toFixed(1)} ms, copied ${(r.copied / r.size).toFixed(2)}x the final size`);
    } finally {
      await context.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
