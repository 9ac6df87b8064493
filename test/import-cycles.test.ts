/**
 * The library's modules import each other without cycles (DESIGN.md: data
 * flows one way; the runtime objects reach the invocation and snapshot code
 * through the engine instead of importing it): checked on the built CommonJS
 * files, where type-only imports are gone.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, requireBuild } from './helpers.js';

/** Relative `require("./x.js")` targets of every file under `dir`, as absolute paths. */
function graph(dir: string): Map<string, string[]> {
  const g = new Map<string, string[]>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js')) {
        const text = fs.readFileSync(p, 'utf8');
        const deps = [...text.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)].map((m) => path.resolve(path.dirname(p), m[1]));
        g.set(p, deps);
      }
    }
  };
  walk(dir);
  return g;
}

/** A cycle as a list of files, or null. */
function findCycle(g: Map<string, string[]>): string[] | null {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    state.set(n, 1);
    stack.push(n);
    for (const d of g.get(n) ?? []) {
      if (state.get(d) === 1) return [...stack.slice(stack.indexOf(d)), d];
      if (state.get(d) === undefined) {
        const c = visit(d);
        if (c !== null) return c;
      }
    }
    stack.pop();
    state.set(n, 2);
    return null;
  };
  for (const n of g.keys()) {
    if (state.get(n) === undefined) {
      const c = visit(n);
      if (c !== null) return c;
    }
  }
  return null;
}

test('dist/cjs/src has no import cycle', () => {
  requireBuild();
  const g = graph(path.join(ROOT, 'dist/cjs/src'));
  expect(g.size).toBeGreaterThan(20);
  const cycle = findCycle(g);
  expect(cycle?.map((f) => path.relative(path.join(ROOT, 'dist/cjs/src'), f)) ?? null).toBeNull();
});

test('the cycle finder finds a cycle', () => {
  expect(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]))).toEqual(['a', 'b', 'c', 'a']);
  expect(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', []]]))).toBeNull();
});
