/**
 * QuickJS (the quickjs-emscripten package, release-sync variant, its wasm run
 * by its own Emscripten glue) evaluating JavaScript: number formatting and
 * parsing (dtoa: float-heavy), Math, JSON, regular expressions, sorting,
 * closures, BigInt, typed arrays, Date on fixed times, errors.
 */
'use strict';
const { log, done } = require('./setup.cjs');
const { getQuickJS } = require('quickjs-emscripten');

const programs = [
  '1 + 2',
  '[0.1 + 0.2, 1 / 3, 2 ** 0.5, Math.PI * 1e21, 5e-324, -0, 1e21, 123456789012345680000].map(String).join(" ")',
  '[Math.sin(1), Math.exp(10), Math.log(7), Math.atan2(1, 3), Math.pow(1.0001, 10000), Math.hypot(3, 4, 12), Math.cbrt(27.5)].map((x) => x.toPrecision(17)).join(" ")',
  '[(1234.5678).toFixed(2), (0.000001234).toExponential(3), (255).toString(16), (0.1).toString(3), parseFloat("3.14abc"), Number("0x1f"), Number("1e-7")].join(" ")',
  'JSON.stringify({ a: [1, 2.5, -3e-7, null, true], b: "x\\u00e9\\n", c: { d: 1e300 * 10 } })',
  'JSON.stringify(JSON.parse("[1.5e3, -0.0, 12345678901234567890, 0.1]"))',
  '"The quick brown fox".replace(/(\\w)(\\w*)/g, (m, a, b) => b + a + "ay")',
  'Array.from({ length: 20 }, (_, i) => (i * 7919) % 101).sort((a, b) => a - b).join(",")',
  '[3.5, -1, 2e3, 0.25, NaN, -Infinity].sort().join(",") + " " + [3.5, -1, 2e3, 0.25].sort((a, b) => b - a).join(",")',
  '(function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); })(22)',
  '(2n ** 100n).toString() + " " + (BigInt(Number.MAX_SAFE_INTEGER) * 3n).toString(36)',
  'Array.from(new Float32Array([1.1, 2.2, 1e40, -0.5])).join(" ") + " " + new Float64Array(new Uint8Array([0, 0, 0, 0, 0, 0, 248, 127]).buffer)[0]',
  'new Date(Date.UTC(2024, 1, 29, 12, 30, 15, 250)).toISOString() + " " + new Date(1e12).getUTCDay()',
  '(() => { let s = 0; for (let i = 1; i <= 100000; i++) s += 1 / (i * i); return s; })()',
  '(() => { const m = new Map(); for (let i = 0; i < 1000; i++) m.set("k" + (i % 37), i * 0.5); return [...m.entries()].slice(0, 5).join(";"); })()',
  '(() => { try { null.x; } catch (e) { return e.constructor.name + ": " + e.message; } })()',
  'Math.max(...[1, 5, 3]) + Math.min() + Math.round(-2.5) + Math.trunc(-4.7) + Math.sign(-0)',
  'throw new RangeError("boom " + (1 / 7))',
  '"abc".localeCompare("abd") + " " + encodeURIComponent("a b/é") + " " + escape("ä")',
];

getQuickJS().then((QuickJS) => {
  const vm = QuickJS.newContext();
  for (const code of programs) {
    const r = vm.evalCode(code);
    if (r.error) {
      log(code.slice(0, 50), 'error', vm.dump(r.error));
      r.error.dispose();
    } else {
      const v = vm.getProp(r.value, 'toString');
      v.dispose();
      const s = vm.evalCode(`String(${code.startsWith('throw') ? 'undefined' : '(' + code + ')'})`);
      log(code.slice(0, 50), 'value', vm.dump(r.value), s.error ? null : vm.dump(s.value));
      if (s.error) s.error.dispose(); else s.value.dispose();
      r.value.dispose();
    }
  }
  vm.dispose();
  done();
}).catch((e) => {
  log('failed', String(e && e.message));
  done();
});
