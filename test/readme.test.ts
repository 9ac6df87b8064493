/**
 * README.md states numbers that live in the code (limits, gas costs, trap
 * codes, exit codes); these checks keep the two in step.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_FEATURES, DEFAULT_LIMITS, DEFAULT_PRESET } from '../src/config.js';
import { COMPILE_COST, OP_NAMES, resolveGasSchedule } from '../src/gas/schedule.js';
import { EXIT } from '../src/cli/args.js';
import type { TrapCode } from '../src/errors.js';
import { ROOT } from './helpers.js';

const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** Rows of the markdown table that follows `heading`, as arrays of cells. */
function tableAfter(heading: string): string[][] {
  const start = README.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const lines = README.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split('|').slice(1, -1).map((c) => c.trim()));
  }
  return rows;
}

const ticks = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
const num = (cell: string) => Number(cell.replace(/,/g, ''));

test('the limits table lists every limit with its default', () => {
  const rows = tableAfter('### Limits');
  const documented = Object.fromEntries(rows.map((r) => [ticks(r[0])[0], num(r[1])]));
  expect(documented).toEqual({ ...DEFAULT_LIMITS });
});

test('the features table covers every feature with its default', () => {
  // the table has a column per preset: the default preset's gives the defaults
  const start = README.indexOf('### Features');
  const header = README.slice(start).split('\n').find((l) => l.startsWith('|'))!.split('|').slice(1, -1).map((c) => c.trim());
  const col = header.indexOf(DEFAULT_PRESET);
  expect(col).toBeGreaterThan(0);
  const rows = tableAfter('### Features');
  const documented: Record<string, boolean> = {};
  for (const r of rows) for (const name of ticks(r[0])) if (name in DEFAULT_FEATURES) documented[name] = r[col] === 'on';
  expect(documented).toEqual({ ...DEFAULT_FEATURES });
});

test('the gas table gives the default schedule', () => {
  const s = resolveGasSchedule('default');
  const byName = new Map([...OP_NAMES].map(([op, name]) => [name, op]));
  const rows = tableAfter('Default schedule');
  let checked = 0;
  for (const [what, cost] of rows) {
    const base = Number(/^\d+/.exec(cost)![0]);
    for (const name of ticks(what)) {
      if (name === 'ref.*') continue;
      const op = byName.get(name);
      expect({ name, op: op !== undefined }).toEqual({ name, op: true });
      expect({ name, cost: s.static[op!] }).toEqual({ name, cost: base });
      checked++;
    }
    const dyn = /\+ (\d+) per (page|started 8 bytes|element)/.exec(cost);
    if (dyn) {
      const actual = { page: s.memoryGrowPerPage, 'started 8 bytes': s.memoryPerBytes8, element: s.tablePerElement }[dyn[2]];
      expect({ what, perUnit: actual }).toEqual({ what, perUnit: Number(dyn[1]) });
    }
  }
  expect(checked).toBeGreaterThan(25);
  expect(README).toContain(
    `(${COMPILE_COST.perByte} per\nbyte + ${COMPILE_COST.perFunction} per defined function + ${COMPILE_COST.perInstruction} per instruction)`,
  );
});

test('every trap code is documented', () => {
  const section = README.slice(README.indexOf('Trap codes:'), README.indexOf('## Command line'));
  const documented = new Set(ticks(section));
  // Every TrapCode.
  const codes: TrapCode[] = [
    'unreachable', 'memory_out_of_bounds', 'integer_divide_by_zero', 'integer_overflow', 'indirect_call_type_mismatch',
    'undefined_element', 'uninitialized_element', 'table_out_of_bounds', 'null_reference', 'call_stack_exhausted',
    'out_of_gas', 'host', 'invalid_conversion',
  ];
  for (const code of codes) {
    expect({ code, documented: documented.has(code) }).toEqual({ code, documented: true });
  }
});

test('the exit code table matches the CLI', () => {
  const rows = tableAfter('| exit code | meaning |');
  const documented = rows.map((r) => Number(r[0]));
  expect(documented.sort((a, b) => a - b)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
});
