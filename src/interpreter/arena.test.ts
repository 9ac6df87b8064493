/**
 * The code arena (compiler.ts CodeArena): functions are written straight into
 * shared chunks; one that outgrows its chunk's tail moves to a new chunk, one
 * bigger than a chunk gets its own. Each function's code must be what a
 * compile into a fresh arena gives, and must not change when later functions
 * are compiled.
 */
import { Engine, Store } from '../index.js';
import { internals } from './runtime.js';
import { compileFresh, wat } from './testutil.js';

/** `(local.get 0) + 1 + 2 + ... + n` as a function body: about 4 words of code per term. */
function chain(n: number): string {
  const terms: string[] = ['local.get 0'];
  for (let i = 1; i <= n; i++) terms.push(`i32.const ${i} i32.add`);
  return terms.join(' ');
}

test('functions of every size share the arena and keep their code', async () => {
  // small, then bigger than a 1 Ki chunk's tail, then bigger than the largest chunk (64 Ki words)
  const sizes = [3, 40, 300, 5, 2000, 7, 20000, 1, 600];
  const funcs = sizes.map((n, i) => `(func (export "f${i}") (param i32) (result i32) ${chain(n)})`).join('\n');
  const engine = new Engine();
  const module = engine.compile(await wat(`(module ${funcs})`));
  const m = internals(module);
  const codes = sizes.map((_, i) => m.compiled(i, false));
  const metered = sizes.map((_, i) => m.compiled(i, true));
  for (let i = 0; i < sizes.length; i++) {
    expect(Array.from(codes[i].code)).toEqual(Array.from(compileFresh(module, i, false).code));
    expect(Array.from(metered[i].code)).toEqual(Array.from(compileFresh(module, i, true).code));
  }
  expect(codes[6].code.length).toBeGreaterThan(1 << 16);
  const exports = new Store(engine).instantiate(module).exports as Record<string, (x: number) => number>;
  sizes.forEach((n, i) => expect(exports[`f${i}`](10)).toBe(10 + (n * (n + 1)) / 2));
});
