// Asynchronous host functions and resumable calls (README: "Asynchronous hosts
// and resumable calls"): examples/async-storage.wasm keeps counters in a
// key-value store whose every operation returns a Promise. Run from the repo
// after `npm run build`:
//   node examples/async-storage.mjs
import { readFileSync } from 'node:fs';
import { Engine, Store, callAsync, callResumable } from 'detwasm';

const bytes = readFileSync(new URL('./async-storage.wasm', import.meta.url));

// A key-value store whose every operation is asynchronous (a database, IndexedDB, the network).
const db = new Map();
const kv = {
  get: (key) => new Promise((resolve) => setTimeout(() => resolve(db.get(key) ?? 0n), 1)),
  put: (key, value) => new Promise((resolve) => setTimeout(() => { db.set(key, value); resolve(); }, 1)),
};

const engine = new Engine();
const module = engine.compile(bytes);

// 1. callAsync: the call suspends at every host call that returns a Promise.
const store = new Store(engine, { gas: 100_000 });
const { bump } = store.instantiate(module, { kv }).exports;
console.log(`bump(7, 5, 3) = ${await callAsync(bump, 7, 5n, 3)}, gas used ${store.gasUsed}`);
try {
  bump(7, 1n, 1); // a synchronous call cannot wait for a Promise
} catch (e) {
  console.log(`synchronous call: ${e.code}`);
}

// 2. callResumable: out of gas pauses the call; top up and resume where it stopped.
const db2 = new Map();
const small = new Store(engine, { gas: 100_000 });
const ex = small.instantiate(module, {
  kv: { get: (key) => db2.get(key) ?? 0n, put: (key, value) => { db2.set(key, value); } },
}).exports;
small.gasRemaining = 50;
let call = callResumable(ex.bump, 1, 2n, 20);
let pauses = 0;
while (!call.done) {
  pauses++;
  small.gasRemaining = small.gasRemaining + 50; // e.g. the next block's allowance
  call = call.resume();
}
console.log(`bump(1, 2, 20) = ${call.value} after ${pauses} out-of-gas pauses`);
