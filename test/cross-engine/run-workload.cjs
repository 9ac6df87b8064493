/**
 * Runs a cross-engine workload (written by cross-engine.test.ts) on the built
 * detwasm (dist/cjs) and prints a transcript: every module's compile and
 * instantiation outcome, every call's result words or trap code, the gas used
 * after every call, and a hash of every memory when its module is left. The
 * same file runs under Node (V8) and under Bun (JavaScriptCore); the test
 * requires both transcripts to be identical.
 *
 * Values cross only as raw int32 words (`invokeRaw`) and as global cells, so
 * no float result passes through a JS number on the way to the transcript.
 *
 *   node|bun run-workload.cjs WORKLOAD.json DIST_DIR
 */
'use strict';
const fs = require('fs');
const path = require('path');

const [workloadFile, distDir] = process.argv.slice(2);
const { Engine, Store, Global, Memory, Table, Trap, CompileError, LinkError } = require(path.join(distDir, 'cjs/src/index.js'));
const { internals, handleOf } = require(path.join(distDir, 'cjs/src/interpreter/runtime.js'));
const { invokeRaw } = require(path.join(distDir, 'cjs/src/interpreter/call.js'));

const workload = JSON.parse(fs.readFileSync(workloadFile, 'utf8'));
const engine = new Engine({ features: { floats: true } });
const GAS = 1e15;
const out = [];

const hex = (w) => (w >>> 0).toString(16).padStart(8, '0');

/** FNV-1a over the memory's words (the whole memory: every byte counts). */
function memoryHash(mem) {
  const words = new Int32Array(mem.buffer);
  let h = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193);
  return `${words.length * 4}:${hex(h)}`;
}

function errorText(e) {
  if (e instanceof Trap) return `trap:${e.code}`;
  if (e instanceof CompileError) return `compile:${e.code}`;
  if (e instanceof LinkError) return `link:${e.code}`;
  return `error:${e && e.name}`;
}

function spectest() {
  const print = () => {};
  return {
    global_i32: new Global({ value: 'i32' }, 666),
    global_i64: new Global({ value: 'i64' }, 666n),
    global_f32: new Global({ value: 'f32' }, 666.6),
    global_f64: new Global({ value: 'f64' }, 666.6),
    table: new Table({ element: 'funcref', initial: 10, maximum: 20 }),
    memory: new Memory({ initial: 1, maximum: 2 }),
    print, print_i32: print, print_i64: print, print_f32: print, print_f64: print, print_i32_f32: print, print_f64_f64: print,
  };
}

let store = null;
let imports = null;
let current = null; // { instance, tag }
const named = new Map();

function leave() {
  const mem = current ? internals(current.instance).memory : null;
  if (mem !== null) out.push(`${current.tag} memory ${memoryHash(handleOf(mem))}`);
}

for (const op of workload.ops) {
  const tag = `${op.file}:${op.line}`;
  switch (op.op) {
    case 'script': // a new script: new store and import namespace
      leave();
      current = null;
      named.clear();
      store = new Store(engine, { gas: GAS });
      imports = { spectest: spectest() };
      out.push(`${tag} script`);
      break;
    case 'module': {
      leave();
      current = null;
      let instance;
      try {
        const module = engine.compile(Buffer.from(op.wasm, 'base64'));
        instance = store.instantiate(module, imports);
      } catch (e) {
        out.push(`${tag} module ${errorText(e)} gas=${store.gasUsed}`);
        if (op.name) named.delete(op.name);
        break;
      }
      current = { instance, tag };
      if (op.name) named.set(op.name, current);
      out.push(`${tag} module ok gas=${store.gasUsed}`);
      break;
    }
    case 'register': {
      const m = op.name ? named.get(op.name) : current;
      if (m) imports[op.as] = m.instance.exports;
      break;
    }
    case 'invoke':
    case 'get': {
      const m = op.module ? named.get(op.module) : current;
      if (!m) break; // its module did not instantiate (already in the transcript)
      const x = m.instance.exports[op.name];
      let text;
      try {
        if (op.op === 'get') {
          text = `${hex(internals(x).cell[0])}${hex(internals(x).cell[1])}`;
        } else {
          const r = invokeRaw(x, op.args);
          text = Array.from(r, hex).join(' ');
        }
      } catch (e) {
        text = errorText(e);
      }
      out.push(`${tag} ${op.name} -> ${text} gas=${store.gasUsed}`);
      break;
    }
  }
}
leave();
process.stdout.write(out.join('\n') + '\n');
