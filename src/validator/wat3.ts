/**
 * Test helper: WebAssembly 3.0 text → binary with wasm-tools' parser
 * (@bytecodealliance/jco-transpile, an ES module). Jest runs tests as
 * CommonJS without dynamic `import()`, so the texts are converted in one
 * child Node process per call.
 */
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';

const SCRIPT = `
const [tools, texts] = JSON.parse(require('fs').readFileSync(0, 'utf8'));
import(tools).then(async (m) => {
  await m.$init;
  process.stdout.write(JSON.stringify(texts.map((t) => Buffer.from(m.tools.parse(t)).toString('hex'))));
});`;

/** The binaries of `texts`, in order (throws when one does not parse). */
export function wat3(texts: readonly string[]): Uint8Array[] {
  const pkg = dirname(dirname(require.resolve('@bytecodealliance/jco-transpile')));
  const tools = resolve(pkg, 'vendor', 'wasm-tools.js');
  const out = execFileSync(process.execPath, ['-e', SCRIPT], { input: JSON.stringify([tools, texts]), maxBuffer: 1 << 26 });
  return (JSON.parse(out.toString()) as string[]).map((h) => new Uint8Array(Buffer.from(h, 'hex')));
}
