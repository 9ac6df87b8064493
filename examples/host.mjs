// Host functions with detwasm: memory access, gas charging, traps and
// out-of-gas handling. Run from the repo after `npm run build`:
//   node examples/host.mjs
// (inside the repo `detwasm` resolves to this package itself.)
import { readFileSync } from 'node:fs';
import { Engine, HostFunc, Store, Trap } from 'detwasm';

const engine = new Engine(); // default features and limits, default gas schedule
const module = engine.compile(readFileSync(new URL('./host.wasm', import.meta.url)));
console.log(`compiled: compile cost ${module.compileCost} gas`);

const store = new Store(engine, { gas: 10_000 }); // the budget for everything this store runs
let state = 0x2545f4914f6cdd1dn; // host-side PRNG state: deterministic, so runs repeat exactly

const instance = store.instantiate(module, {
  env: {
    // A plain JS function: called with the wasm arguments, `this` is the Caller.
    log(ptr, len) {
      const bytes = new Uint8Array(this.memory.buffer, ptr, len);
      console.log(`guest says: "${new TextDecoder().decode(bytes)}"`);
    },
    // HostFunc declares the type and receives the Caller explicitly.
    // consumeGas charges the store; past the budget it throws Trap('out_of_gas').
    charge: new HostFunc({ params: ['i32'], results: [] }, (caller, units) => {
      caller.consumeGas(units);
    }),
    // i64 results are bigints.
    random: new HostFunc({ params: [], results: ['i64'] }, () => {
      state ^= (state << 13n) & 0xffffffffffffffffn;
      state ^= state >> 7n;
      state ^= (state << 17n) & 0xffffffffffffffffn;
      return state;
    }),
  },
});

const { greet, expensive, divide, spin } = instance.exports;

greet();
console.log(`gas used after greet: ${store.gasUsed}`);

const before = store.gasUsed;
const r = expensive(500);
console.log(`expensive(500) = ${r}, charged ${store.gasUsed - before} gas (500 by the host)`);

console.log(`divide(7, 2) = ${divide(7, 2)}`);
try {
  divide(1, 0);
} catch (e) {
  if (!(e instanceof Trap)) throw e;
  console.log(`divide(1, 0) trapped: code=${e.code} message="${e.message}"`);
}

try {
  spin(1_000_000); // needs far more than the remaining budget
} catch (e) {
  if (!(e instanceof Trap) || e.code !== 'out_of_gas') throw e;
  console.log(`spin(1000000) ran out of gas: gas used ${store.gasUsed}, remaining ${store.gasRemaining}`);
}

// The store stays usable: top up and call again.
store.gasRemaining = 1_000_000;
console.log(`after top-up: spin(1000) = ${spin(1000)}, gas remaining ${store.gasRemaining}`);
