/** The benchmark chart (bench/chart.ts) and the committed bench/results.svg. */
import * as fs from 'fs';
import * as path from 'path';
import { ratioLabel, ratioToNative, renderChart, type ChartResults } from './chart.js';

const BENCH = __dirname;
const results = JSON.parse(fs.readFileSync(path.join(BENCH, 'results.json'), 'utf8')) as ChartResults;
const svg = renderChart(results);

test('bench/results.svg is the chart of bench/results.json (npm run bench writes both)', () => {
  expect(fs.readFileSync(path.join(BENCH, 'results.svg'), 'utf8')).toBe(svg);
});

test('the SVG is well-formed: every element closed, in order', () => {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    if (selfClosing) continue;
    if (closing) expect(stack.pop()).toBe(name);
    else stack.push(name);
  }
  expect(stack).toEqual([]);
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
});

test('one bar per program and engine with a result, labelled with its ratio; longer for a larger ratio', () => {
  const bars = new Map<string, number>();
  for (const m of svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"[^>]*><title>([^<]+)<\/title>/g)) bars.set(m[2], Number(m[1]));
  let checked = 0;
  for (const p of results.programs) {
    for (const peer of Object.keys(results.peers)) {
      if (peer === 'native') continue;
      const r = ratioToNative(p.cells[peer], p.cells.native);
      const key = `${p.name}, ${peer}: ${r === null ? '' : ratioLabel(r)}`;
      expect({ key, drawn: bars.has(key) }).toEqual({ key, drawn: r !== null });
      if (r !== null) checked++;
    }
  }
  expect(checked).toBeGreaterThan(50);
  // Longer for a larger ratio, on a log scale: equal ratios of ratios give equal
  // differences of length (up to the rounding to 0.1 px).
  const fib = results.programs.find((p) => p.name === 'fib')!;
  const ratio = (peer: string) => ratioToNative(fib.cells[peer], fib.cells.native)!;
  const w = (key: string) => bars.get(key)!;
  const fibBar = (peer: string) => w(`fib, ${peer}: ${ratioLabel(ratio(peer))}`);
  expect(fibBar('wabt-js')).toBeGreaterThan(fibBar('detwasm-gas'));
  const perDecade = (fibBar('wabt-js') - fibBar('detwasm-gas')) / Math.log10(ratio('wabt-js') / ratio('detwasm-gas'));
  const g = results.geomean.corpus as Record<string, number>;
  const geoBar = (peer: string) => w(`geomean corpus, ${peer}: ${ratioLabel(g[peer])}`);
  const perDecade2 = (geoBar('wabt-js') - geoBar('polywasm')) / Math.log10(g['wabt-js'] / g.polywasm);
  expect(Math.abs(perDecade - perDecade2)).toBeLessThan(1);
});

test('an engine without any result is left out, not drawn as empty', () => {
  const noPolywasm: ChartResults = {
    ...results,
    programs: results.programs.map((p) => ({ ...p, cells: { ...p.cells, polywasm: { peer: 'polywasm', program: p.name, status: 'failed' as const, error: 'x' } } })),
    geomean: Object.fromEntries(Object.entries(results.geomean).map(([k, v]) => [k, { ...v, polywasm: null }])),
  };
  expect(svg).toContain('polywasm');
  expect(renderChart(noPolywasm)).not.toContain('polywasm');
});

test('a results file without any successful cell still gives a valid chart (no NaN coordinates)', () => {
  const failed: ChartResults = {
    ...results,
    programs: results.programs.slice(0, 2).map((p) => ({
      ...p,
      cells: Object.fromEntries(Object.keys(p.cells).map((k) => [k, { peer: k, program: p.name, status: 'failed' as const, error: 'x' }])),
    })),
    geomean: { corpus: { 'detwasm-gas': null } },
  };
  const chart = renderChart(failed);
  expect(chart).not.toMatch(/NaN|Infinity/);
  expect(chart).toContain('<svg');
});
