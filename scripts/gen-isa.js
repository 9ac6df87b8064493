#!/usr/bin/env node
/**
 * Derives the bytecode layer from the instruction-set table
 * (src/interpreter/isa.ts) and writes two files, which are not committed:
 *
 *  - src/interpreter/ops.ts: op numbers (dense, in row order), names, record
 *    lengths, field positions, typed record emitters and the compiler's
 *    translation tables;
 *  - src/interpreter/exec.ts: src/interpreter/exec.template.ts with the cases
 *    of the execution loop's switch put in at the `// @isa:cases` line.
 *
 * Run by `npm run build`, by `npm run gen` and by jest's global setup, so a
 * fresh clone needs no extra step. `--check` writes nothing and exits 1 when
 * a file differs from what the table gives (isa.test.ts covers the same).
 *
 * The table is TypeScript; it is loaded by transpiling it with @swc/core
 * (the same compiler jest uses), so this script needs no build of its own.
 */
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const DIR = path.join(ROOT, 'src', 'interpreter');

/** Loads isa.ts (it imports nothing). */
function loadIsa() {
  const swc = require('@swc/core');
  const src = fs.readFileSync(path.join(DIR, 'isa.ts'), 'utf8');
  const { code } = swc.transformSync(src, {
    filename: 'isa.ts',
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  const mod = { exports: {} };
  new Function('exports', 'module', 'require', code)(mod.exports, mod, require);
  return mod.exports;
}

/** `i32.add_ss` -> `I32_ADD_SS`. */
function constName(name) {
  return name.toUpperCase().replace(/\./g, '_');
}

const WIDTH = { slot: 1, imm: 1, target: 2, count: 1 };

/** Field positions and record length of each op. */
function layout(def) {
  const pos = {};
  let p = 1;
  let countAt = 0;
  for (const [name, kind] of def.fields) {
    if (name in pos) throw new Error(`gen-isa: ${def.name}: field ${name} twice`);
    pos[name] = p;
    if (kind === 'count') countAt = p;
    p += WIDTH[kind];
  }
  return { pos, length: p, countAt };
}

function generate() {
  const { ISA, MACROS } = loadIsa();
  const number = new Map();
  const layouts = new Map();
  ISA.forEach((def, i) => {
    if (number.has(def.name)) throw new Error(`gen-isa: op ${def.name} twice`);
    number.set(def.name, i);
    layouts.set(def.name, layout(def));
  });
  const consts = new Set();
  for (const def of ISA) {
    const c = constName(def.name);
    if (consts.has(c)) throw new Error(`gen-isa: constant ${c} twice`);
    consts.add(c);
  }
  const opNumber = (name, where) => {
    const n = number.get(name);
    if (n === undefined) throw new Error(`gen-isa: ${where}: unknown op ${name}`);
    return n;
  };

  /** Expands one fragment of `def` (see the template language in isa.ts). */
  function expand(text, def) {
    const own = layouts.get(def.name);
    let out = text.replace(/@OP\(([\w.]+)\)/g, (_, n) => String(opNumber(n, def.name)));
    out = out.replace(/@END/g, `pc + ${own.length}`);
    out = out.replace(/\$([A-Za-z_]\w*)(?:@([\w.]+))?/g, (_, field, other) => {
      const d = other ? ISA[opNumber(other, def.name)] : def;
      const l = layouts.get(d.name);
      const f = d.fields.find((x) => x[0] === field);
      if (!f) throw new Error(`gen-isa: ${def.name}: no field $${field} in ${d.name}`);
      const p = l.pos[field];
      if (f[1] === 'slot') return `fp + code[pc + ${p}]`;
      if (f[1] === 'target') return `pc + ${p}`;
      return `code[pc + ${p}]`;
    });
    return expandMacros(out, MACROS);
  }

  // ---- exec.ts: the cases, grouped rows sharing one body; cold rows in execCold,
  // reached from one case of the main loop
  const cases = [];
  const coldCases = [];
  const done = new Set();
  const cold = ISA.filter((d) => d.cold);
  for (const d of cold) {
    if (d.next !== 'auto') throw new Error(`gen-isa: cold op ${d.name} must not set pc`);
    if (d.group && ISA.some((x) => x.group === d.group && !x.cold)) throw new Error(`gen-isa: group ${d.group} is partly cold`);
  }
  if (cold.length > 0) {
    const labels = cold.map((d, i) => `case ${number.get(d.name)}:${i === cold.length - 1 ? ' {' : ''} // ${d.name}`);
    cases.push(`${labels.join('\n')}\n${indent(expandMacros('EXEC_COLD;', MACROS), 2)}\n}`);
  }
  for (const def of ISA) {
    if (done.has(def.name)) continue;
    const members = def.group ? ISA.filter((d) => d.group === def.group) : [def];
    for (const m of members) done.add(m.name);
    const len = layouts.get(def.name).length;
    if (def.next === 'auto') {
      for (const m of members) {
        if (layouts.get(m.name).length !== len) throw new Error(`gen-isa: group ${def.group}: records differ in length`);
      }
    }
    let body = def.exec;
    if (body !== '' && !body.endsWith('\n')) body += '\n';
    if (def.cond !== undefined) {
      body += def.cond === 'true' ? 'JUMP($target);' : `const j = ${def.cond} ? $target : $fall;\nJUMP(j);`;
    }
    body = expand(body, def);
    if (def.next === 'auto') body += `pc += ${len};\nbreak;`;
    if (def.next === 'fall') {
      // a prefix: its case falls through into the case emitted right after it
      const target = ISA.find((x) => x.name === def.fallInto);
      const nextDef = ISA.slice(ISA.indexOf(def) + 1).find((x) => !x.cold && !done.has(x.name));
      if (!target || target.cold || def.cold || def.group || !nextDef || nextDef !== target && !(target.group && nextDef.group === target.group)) {
        throw new Error(`gen-isa: prefix ${def.name} must come right before the case of ${def.fallInto}`);
      }
    }
    const labels = members.map((m, i) => `case ${number.get(m.name)}:${i === members.length - 1 ? ' {' : ''} // ${m.name}`);
    // Hot case bodies declare their temporaries (const and let) with `var`:
    // Ignition gives every block-scoped variable of a function its own
    // register (no reuse across sibling blocks), so ~500 per-case consts made
    // exec's unoptimized frame 5.6 kB; function-scoped vars of one name share
    // one register. Each wasm -> host -> wasm re-entry level holds one such
    // frame (MAX_REENTRANCY). Few registers also keep exec short: a register
    // past r122 needs a Wide-prefixed instruction with 16-bit operands
    // (measured: block-scoped lets give 134 registers and 4.4 kB more
    // bytecode, enough to cross V8's optimization limit, test/loop-size).
    if (!def.cold) body = body.replace(/\b(?:const|let) (\w+)( *[=:])/g, 'var $1$2');
    // Hot cases leave for the loop's shared out-of-gas and out-of-bounds
    // tails (exec.template.ts, labels oog and oob) instead of calling
    // outOfGas / trap at each site: a call with its arguments is ~25 bytes of
    // bytecode (most operands Wide: feedback slots past 255), a labeled break
    // a jump, and the optimized code is the same (the paths never run hot).
    if (!def.cold) {
      body = body.replace(/outOfGas\(store, 0, pc, fp\);/g, 'break oog;').replace(/trap\('memory_out_of_bounds'\);/g, 'break oob;');
      // `x = x - k` for `x -= k` (k a variable; also the other compound
      // operators): Ignition compiles the compound form with a copy of x's
      // old value that costs a 3-byte Mov (mostly `gas -= k`); the same
      // operation for the optimizing compiler.
      body = body.replace(/^( *)(\w+) (-|\+|\||&|\^|<<|>>>?)= ([A-Za-z_]\w*);$/gm, '$1$2 = $2 $3 $4;');
    }
    (def.cold ? coldCases : cases).push(`${labels.join('\n')}\n${indent(body.replace(/\n+$/, ''), 2)}\n}`);
  }
  let exec = expandMacros(fs.readFileSync(path.join(DIR, 'exec.template.ts'), 'utf8'), MACROS);
  for (const [tag, list] of [['cases', cases], ['cold-cases', coldCases]]) {
    const m = new RegExp(`^( *)// @isa:${tag} .*$`, 'm').exec(exec);
    if (!m) throw new Error(`gen-isa: exec.template.ts has no // @isa:${tag} line`);
    exec = exec.slice(0, m.index) + list.map((c) => indent(c, m[1].length)).join('\n') + exec.slice(m.index + m[0].length);
  }
  // The traced variant (a profile or a trace is on: StoreOptions): the same
  // loop with a hook before every instruction; without them the hooks are gone.
  const vb = /^\/\/ @isa:variant-begin.*\n/m.exec(exec), ve = /^\/\/ @isa:variant-end\n/m.exec(exec);
  if (!vb || !ve) throw new Error('gen-isa: exec.template.ts has no @isa:variant-begin/-end lines');
  const body = exec.slice(vb.index + vb[0].length, ve.index);
  const plain = body.replace(/^ *TRACE_(INIT|HOOK|PAIR);\n/gm, '');
  // (a dispatch pair's prefix, isa.ts `pair`: the traced loop dispatches its second record itself)
  const traced = body
    .replace(/^( *)TRACE_PAIR;$/gm, '$1break;')
    .replace('export function exec(', 'export function execTraced(')
    .replace(/^( *)TRACE_INIT;$/m, '$1const hook = store.hook!;')
    .replace(/^( *)TRACE_HOOK;$/m, '$1hook.step(fns[depth]!, pc, fp, depth, gas, code, S);');
  exec = `${HEADER}\n${exec.slice(0, vb.index)}${plain}\n/** \`exec\` with \`store.hook.step\` called before every instruction (profile.ts). */\n${traced}${exec.slice(ve.index + ve[0].length)}`;

  // ---- ops.ts
  const o = [HEADER, '/* eslint-disable */', "import type { Sink } from './encoder.js';", ''];
  o.push('/** Op numbers, one per row of isa.ts, dense from 0 in row order. */');
  o.push('export const Op = {');
  for (const def of ISA) o.push(`  /** ${def.doc.replace(/\*\//g, '* /')} [${fieldList(def)}] */\n  ${constName(def.name)}: ${number.get(def.name)},`);
  o.push('} as const;', '');
  o.push('/** Number of ops. */', `export const OP_COUNT = ${ISA.length};`, '');
  o.push('/** Name of each op (isa.ts), by number. */');
  o.push(`export const OP_NAMES: readonly string[] = ${JSON.stringify(ISA.map((d) => d.name))};`, '');
  o.push('/** Field names of each op, by number, in record order (a target field takes two words). */');
  o.push(`export const OP_FIELDS: readonly (readonly string[])[] = ${JSON.stringify(ISA.map((d) => d.fields.map((f) => f[0])))};`, '');
  o.push('/** Names of the slot fields of each op, by number (the tracer shows their values). */');
  o.push(`export const OP_SLOT_FIELDS: readonly (readonly string[])[] = ${JSON.stringify(ISA.map((d) => d.fields.filter((f) => f[1] === 'slot').map((f) => f[0])))};`, '');
  o.push('/** Fixed record length of each op (op word + fields). */');
  o.push(`export const OP_LENGTH = new Uint8Array(${JSON.stringify(ISA.map((d) => layouts.get(d.name).length))});`, '');
  o.push('/** Position of the count field (br_table forms: n + 1 (target, gas) pairs follow the record), or 0. */');
  o.push(`export const OP_COUNT_AT = new Uint8Array(${JSON.stringify(ISA.map((d) => layouts.get(d.name).countAt))});`, '');
  o.push('/** Position of each field in its record (offset from the op word). */');
  o.push('export const F = {');
  for (const def of ISA) {
    const l = layouts.get(def.name);
    const fs_ = def.fields.map(([n]) => `${n}: ${l.pos[n]}`).join(', ');
    o.push(`  ${constName(def.name)}: { ${fs_} },`);
  }
  o.push('} as const;', '');
  // translation tables, indexed by the decoder's instruction number
  const wasmOf = (d) => (d.wasm === undefined ? [] : typeof d.wasm === 'number' ? [d.wasm] : d.wasm);
  const maxWasm = Math.max(...ISA.flatMap(wasmOf)) + 1;
  const seen = new Map();
  for (const d of ISA) for (const w of wasmOf(d)) {
    if (seen.has(w)) throw new Error(`gen-isa: wasm 0x${w.toString(16)} translated by ${seen.get(w)} and ${d.name}`);
    seen.set(w, d.name);
  }
  for (const shape of ['load', 'store', 'unary', 'binary']) {
    const t = new Array(maxWasm).fill(-1);
    for (const d of ISA) if (d.shape === shape) for (const w of wasmOf(d)) t[w] = number.get(d.name);
    o.push(`/** The ${shape} op translating each wasm instruction (decoder numbering), -1 for none. */`);
    o.push(`export const WASM_${shape.toUpperCase()} = new Int16Array(${JSON.stringify(t)});`, '');
  }
  const rel = (key, doc) => {
    const t = ISA.map((d) => (d[key] ? opNumber(d[key], d.name) : -1));
    o.push(`/** ${doc}, -1 for none. */`);
    o.push(`export const ${key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase()} = new Int16Array(${JSON.stringify(t)});`, '');
  };
  rel('immForm', 'For a binary op: its form with a constant right operand (i32 immediate or i64 pair)');
  o.push('/** For a binary op with an immediate form: 1 when that form takes an i64 pair (lo, hi), 0 for an i32 immediate. */');
  o.push(`export const IMM_PAIR = new Uint8Array(${JSON.stringify(ISA.map((d) => (d.immForm && ISA[opNumber(d.immForm, d.name)].fields.some((f) => f[0] === 'hi') ? 1 : 0)))});`, '');
  const at = (field) => ISA.map((d) => layouts.get(d.name).pos[field] ?? 0);
  o.push('/** Position of the `target` field (branches, calls: `ret`), 0 for none. */');
  o.push(`export const TARGET_AT = new Uint8Array(${JSON.stringify(ISA.map((d) => layouts.get(d.name).pos.target ?? layouts.get(d.name).pos.ret ?? 0))});`, '');
  o.push('/** Position of the `fall` field (two-way branches), 0 for none. */');
  o.push(`export const FALL_AT = new Uint8Array(${JSON.stringify(at('fall'))});`, '');
  // Every value-producing op writes its `dst` first; a fused branch takes the
  // comparison's operands (all but dst) in the same order.
  for (const d of ISA) {
    if (d.fields.some((f) => f[0] === 'dst') && d.fields[0][0] !== 'dst') throw new Error(`gen-isa: ${d.name}: dst must be the first field`);
    for (const key of ['brIfTrue', 'brIfFalse']) {
      if (!d[key]) continue;
      const b = ISA[opNumber(d[key], d.name)];
      const want = d.fields.slice(1).map((f) => f[1]).join(' ');
      const got = b.fields.filter((f) => f[0] !== 'target' && f[0] !== 'fall').map((f) => f[1]).join(' ');
      if (want !== got) throw new Error(`gen-isa: ${d.name} -> ${b.name}: operands differ (${want} / ${got})`);
    }
  }
  o.push('/** Position of `dst` in every op that has one. */', 'export const DST_AT = 1;', '');
  rel('retForm', 'For an op that can end a function: its form that also returns');
  rel('brIfTrue', 'For a comparison: the fused op that branches when it holds');
  rel('brIfFalse', 'For a comparison: the fused op that branches when it does not hold');
  // typed record emitters, one per distinct field list
  const emitters = new Map();
  for (const def of ISA) {
    const names = def.fields.flatMap(([n, k]) => (k === 'target' ? [n, `${n}Gas`] : [n]));
    const key = names.join('_') || 'none';
    if (!emitters.has(key)) emitters.set(key, { names, ops: [] });
    emitters.get(key).ops.push(def.name);
  }
  o.push('/** Typed record emitters, one per operand list; each returns the record\'s start. */');
  for (const [key, e] of emitters) {
    const args = ['op: number', ...e.names.map((n) => `${n}: number`)].join(', ');
    const stores = ['op', ...e.names].map((n, i) => `w_[p_ + ${i}] = ${n};`).join(' ');
    o.push(`/** Record [op${e.names.map((n) => ', ' + n).join('')}] (${e.ops.slice(0, 6).join(', ')}${e.ops.length > 6 ? ', ...' : ''}). */`);
    o.push(`export function rec_${key}(out: Sink, ${args}): number {\n  const p_ = out.len, w_ = out.room(${e.names.length + 1});\n  ${stores}\n  out.len = p_ + ${e.names.length + 1};\n  return p_;\n}`);
  }
  o.push('');
  return { exec, ops: o.join('\n') };
}

function fieldList(def) {
  return def.fields.map(([n, k]) => (k === 'target' ? `${n}, ${n}Gas` : n)).join(', ');
}

/** Expands `NAME;` macros, CHARGE(x); and JUMP(j); keeping the line's indentation. */
function expandMacros(text, macros) {
  // macros may use macros: expand until none is left
  for (let prev = ''; prev !== text;) {
    prev = text;
    text = text.replace(/^( *)(\w+);$/gm, (all, pad, name) => (macros[name] ? indent(macros[name], pad.length) : all));
  }
  return text
    .replace(/^( *)CHARGE\(([^)]+)\);$/gm, (_, pad, x) => indent(`if (gas < ${x}) outOfGas(store, 0, pc, fp);\ngas -= ${x};`, pad.length))
    .replace(/^( *)CHARGE_PENDING\(([^)]+)\);$/gm, (_, pad, x) => indent(`if (gas < ${x}) outOfGas(store, ${x}, pc, fp);\ngas -= ${x};`, pad.length))
    .replace(/^( *)JUMP\(([^;]+)\);$/gm, (_, pad, j) => {
      // a position expression is named j first (no fragment declares j before a JUMP of one)
      const v = /^\w+$/.test(j) ? j : 'j';
      const first = v === 'j' && j !== 'j' ? `const j = ${j};\n` : '';
      return indent(`${first}const k = code[${v} + 1];\nif (gas < k) outOfGas(store, 0, pc, fp);\ngas -= k;\npc = code[${v}];\nbreak;`, pad.length);
    });
}

function indent(text, n) {
  const pad = ' '.repeat(n);
  return text.split('\n').map((l) => (l.length ? pad + l : l)).join('\n');
}

const HEADER = '// Generated from src/interpreter/isa.ts by scripts/gen-isa.js: do not edit, edit the table.';

function main() {
  const check = process.argv.includes('--check');
  const { exec, ops } = generate();
  const files = [[path.join(DIR, 'exec.ts'), exec], [path.join(DIR, 'ops.ts'), ops]];
  let stale = false;
  for (const [file, text] of files) {
    const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
    if (old === text) continue;
    if (check) { stale = true; console.error(`gen-isa: ${path.relative(ROOT, file)} is out of date`); }
    else fs.writeFileSync(file, text);
  }
  if (stale) process.exit(1);
}

/** Jest's global setup: write the generated files before any test imports them. */
module.exports = async () => main();
module.exports.generate = generate;
if (require.main === module) main();
