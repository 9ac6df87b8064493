/**
 * The benchmark picture: an SVG bar chart of bench/results.json, one group of
 * bars per program (and the geomeans), one bar per engine, the bar's length
 * the per-unit time as a multiple of native on a log scale. Plain SVG text
 * built here (no chart library); `npm run bench` writes bench/results.svg
 * next to results.json, and `node dist/cjs/bench/chart.js [results.json]
 * [out.svg]` redraws it from a results file.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { CellResult } from './measure.js';
import { BENCH_DIR } from './programs.js';

/** What the chart reads of a results file (bench/run.ts writes it). */
export interface ChartResults {
  date: string;
  node: string;
  cpu: string;
  peers: Record<string, unknown>;
  programs: { name: string; kind: string; cells: Record<string, CellResult | undefined> }[];
  geomean: Record<string, Record<string, number | null>>;
}

/**
 * Per-unit time of `cell` over native's: against the native engine timed
 * interleaved in the same worker when there is one, else the native cell.
 */
export function ratioToNative(cell: CellResult | undefined, native: CellResult | undefined): number | null {
  if (cell?.status !== 'ok') return null;
  const ref = cell.companions?.native?.perUnitNs ?? (native?.status === 'ok' ? native.perUnitNs : undefined);
  return ref ? cell.perUnitNs! / ref : null;
}

/** Bar colours, by position of the engine in the results (detwasm first). */
const COLORS = ['#1f6feb', '#7aa7f0', '#2da44e', '#bf8700', '#cf222e', '#8250df', '#57606a'];

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** "17.1x", as in the tables. */
export function ratioLabel(x: number): string {
  return x >= 100 ? `${x.toFixed(0)}x` : x >= 10 ? `${x.toFixed(1)}x` : `${x.toFixed(2)}x`;
}

/** One chart row group: a label and a ratio per engine (null: no result). */
interface Group {
  label: string;
  ratios: (number | null)[];
  bold: boolean;
}

/** The SVG of `results`. Engines without a single result (every cell failed) are left out. */
export function renderChart(results: ChartResults): string {
  const all = Object.keys(results.peers).filter((p) => p !== 'native');
  const groups: Group[] = results.programs.map((p) => ({
    label: p.name,
    ratios: all.map((peer) => ratioToNative(p.cells[peer], p.cells.native)),
    bold: false,
  }));
  for (const kind of Object.keys(results.geomean)) {
    groups.push({ label: `geomean ${kind}`, ratios: all.map((peer) => results.geomean[kind][peer] ?? null), bold: true });
  }
  const keep = all.map((_, i) => groups.some((g) => g.ratios[i] !== null));
  const peers = all.filter((_, i) => keep[i]);
  for (const g of groups) g.ratios = g.ratios.filter((_, i) => keep[i]);

  const values = groups.flatMap((g) => g.ratios).filter((x): x is number => x !== null && x > 0);
  // Whole decades covering every ratio and 1x (native); 1x..10x when there is no result at all.
  const lo = values.length === 0 ? 0 : Math.min(0, Math.floor(Math.log10(Math.min(...values))));
  const hi = values.length === 0 ? 1 : Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...values))));

  const bar = 8;
  const gap = 8;
  const left = 120;
  const plotWidth = 560;
  const top = 58;
  const groupHeight = peers.length * bar + gap;
  const plotHeight = groups.length * groupHeight;
  const width = left + plotWidth + 60;
  const height = top + plotHeight + 40;
  const x = (ratio: number) => left + ((Math.log10(ratio) - lo) / (hi - lo)) * plotWidth;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="10" y="16" font-size="13" font-weight="bold">Time per unit of work as a multiple of native WebAssembly (log scale, lower is better)</text>`);
  out.push(`<text x="10" y="31" fill="#57606a">${escape(`${results.date.slice(0, 10)}, Node ${results.node.replace(/^v/, '')}, ${results.cpu}; from bench/results.json`)}</text>`);
  // Legend.
  let lx = 10;
  peers.forEach((peer, i) => {
    out.push(`<rect x="${lx}" y="39" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/>`);
    out.push(`<text x="${lx + 14}" y="48">${escape(peer)}</text>`);
    lx += 24 + peer.length * 6.5;
  });
  // Decade grid lines and their labels.
  for (let d = lo; d <= hi; d++) {
    const gx = x(10 ** d).toFixed(1);
    out.push(`<line x1="${gx}" y1="${top - 4}" x2="${gx}" y2="${top + plotHeight}" stroke="${d === 0 ? '#57606a' : '#d0d7de'}"/>`);
    out.push(`<text x="${gx}" y="${top + plotHeight + 14}" text-anchor="middle" fill="#57606a">${+(10 ** d).toPrecision(1)}x</text>`);
  }
  // Bars.
  groups.forEach((g, gi) => {
    const gy = top + gi * groupHeight;
    out.push(`<text x="${left - 8}" y="${(gy + (peers.length * bar) / 2 + 4).toFixed(1)}" text-anchor="end"${g.bold ? ' font-weight="bold"' : ''}>${escape(g.label)}</text>`);
    g.ratios.forEach((r, i) => {
      const y = gy + i * bar;
      if (r === null || !(r > 0)) {
        out.push(`<text x="${left + 4}" y="${y + bar - 1}" fill="#57606a" font-size="9">${escape(peers[i])}: no result</text>`);
        return;
      }
      const x0 = x(10 ** lo);
      const w = Math.max(1, x(r) - x0);
      out.push(`<rect x="${x0.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${bar - 1}" fill="${COLORS[i % COLORS.length]}"><title>${escape(`${g.label}, ${peers[i]}: ${ratioLabel(r)}`)}</title></rect>`);
      out.push(`<text x="${(x0 + w + 3).toFixed(1)}" y="${y + bar - 1}" font-size="9">${ratioLabel(r)}</text>`);
    });
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Writes the chart of the results file `from` to `to`. */
export function writeChart(from: string, to: string): void {
  const results = JSON.parse(fs.readFileSync(from, 'utf8')) as ChartResults;
  fs.writeFileSync(to, renderChart(results));
}

if (require.main === module) {
  const from = process.argv[2] ?? path.join(BENCH_DIR, 'results.json');
  const to = process.argv[3] ?? from.replace(/\.json$/, '') + '.svg';
  writeChart(from, to);
  console.log(`wrote ${path.relative(process.cwd(), to)}`);
}
