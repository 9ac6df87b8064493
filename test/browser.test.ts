/**
 * The ESM build (dist/esm) runs in a real browser: headless Chromium loads it
 * from a local server (127.0.0.1 only) and runs test/fixtures/scenario.mjs;
 * results and gas must be identical to the same scenario in Node.
 *
 * Needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium).
 * If it is absent the test fails; set DETWASM_SKIP_BROWSER=1 to opt out on a
 * machine without a browser (never honoured when CI is set).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { ROOT, requireBuild } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

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

const browserAvailable = fs.existsSync(CHROMIUM);
const optOut = process.env.DETWASM_SKIP_BROWSER === '1' && !process.env.CI;

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

  test('chromium is installed', () => {
    if (optOut) return; // DETWASM_SKIP_BROWSER=1 outside CI
    expect({ path: CHROMIUM, exists: browserAvailable }).toEqual({ path: CHROMIUM, exists: true });
  });

  test('dist/esm runs in the browser with the same results and gas as in Node', async () => {
    if (optOut || !browserAvailable) {
      if (!optOut) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (or DETWASM_SKIP_BROWSER=1 outside CI)`);
      return;
    }
    const { chromium } = await import('playwright-core');
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'detwasm-chromium-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
    });
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
});
