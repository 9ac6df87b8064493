// A contract-style host: examples/token.wasm keeps its balances in storage
// the host owns. Every call is a transaction: it runs in a fresh instance with
// its own gas budget, the storage host functions charge gas per byte, and the
// call's writes go to a journal that is committed only if the call returns;
// any trap (out of gas included) rolls all of them back. Run from the repo
// after `npm run build`:
//   node examples/contract.mjs
import { readFileSync } from 'node:fs';
import { Engine, HostFunc, Store, Trap } from 'detwasm';

/** What the storage host functions charge: a base per call plus a price per byte of key and value. */
const GAS = { readBase: 50, writeBase: 100, readPerByte: 2, writePerByte: 10 };

/** The contract's persistent key-value storage, plus the writes of the running call (its journal). */
class Storage {
  #committed = new Map(); // key (hex) -> value bytes
  #journal = null; // writes of the running call, or null between calls
  /** How many keys the last call wrote (committed or rolled back). */
  lastWrites = 0;
  begin() {
    this.#journal = new Map();
  }
  /** Applies the journal to the committed state. */
  commit() {
    for (const [key, value] of this.#journal) this.#committed.set(key, value);
    this.#end();
  }
  /** Drops the journal. */
  rollback() {
    this.#end();
  }
  #end() {
    this.lastWrites = this.#journal.size;
    this.#journal = null;
  }
  get(key) {
    return this.#journal.has(key) ? this.#journal.get(key) : this.#committed.get(key);
  }
  set(key, value) {
    this.#journal.set(key, value);
  }
  /** The committed entries as [key, value] byte arrays. */
  entries() {
    return [...this.#committed].map(([key, value]) => [Buffer.from(key, 'hex'), Buffer.from(value)]);
  }
}

const storage = new Storage();
const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** The bytes [ptr, ptr + len) of the caller's memory; a range outside it traps, as a wasm access would. */
function guestBytes(caller, ptr, len) {
  const memory = new Uint8Array(caller.memory.buffer);
  if (ptr >>> 0 !== ptr || len >>> 0 !== len || ptr + len > memory.length) {
    throw new Trap('memory_out_of_bounds', 'storage access outside the contract memory');
  }
  return memory.subarray(ptr, ptr + len);
}

const imports = {
  env: {
    // storage_read(key_ptr, key_len, value_ptr, value_cap) -> value length, or -1 if absent.
    // Gas is charged before the work it pays for: out of gas, nothing happened.
    storage_read: new HostFunc({ params: ['i32', 'i32', 'i32', 'i32'], results: ['i32'] }, (caller, keyPtr, keyLen, valuePtr, cap) => {
      caller.consumeGas(GAS.readBase + GAS.readPerByte * keyLen);
      const value = storage.get(hex(guestBytes(caller, keyPtr, keyLen)));
      if (value === undefined) return -1;
      const n = Math.min(cap, value.length);
      caller.consumeGas(GAS.readPerByte * n);
      guestBytes(caller, valuePtr, n).set(value.subarray(0, n));
      return value.length;
    }),
    // storage_write(key_ptr, key_len, value_ptr, value_len): goes to the journal.
    storage_write: new HostFunc({ params: ['i32', 'i32', 'i32', 'i32'], results: [] }, (caller, keyPtr, keyLen, valuePtr, valueLen) => {
      caller.consumeGas(GAS.writeBase + GAS.writePerByte * (keyLen + valueLen)); // Trap('out_of_gas') past the budget
      const key = hex(guestBytes(caller, keyPtr, keyLen));                         // bounds-checked view of the guest memory
      storage.set(key, guestBytes(caller, valuePtr, valueLen).slice());            // into the journal, as a copy
    }),
  },
};

const engine = new Engine();
const module = engine.compile(readFileSync(new URL('./token.wasm', import.meta.url)));
const store = new Store(engine, { gas: 0 });

/**
 * Runs one call as a transaction with a budget of `gas`: a fresh instance (no
 * state survives in wasm memory between calls), writes journaled, committed
 * if the call returns and rolled back on any trap. Returns the call's result;
 * a trap is thrown on after the rollback.
 */
function transact(name, args, gas) {
  store.gasRemaining = gas;                        // this call's budget
  storage.begin();
  try {
    const result = store.instantiate(module, imports).exports[name](...args);
    storage.commit();                              // success: the writes become state
    return result;
  } catch (e) {
    storage.rollback();                            // any trap: as if the call never ran
    throw e;
  }
}

/** Runs a transaction and prints its outcome, the keys it wrote and the gas it used. */
function call(name, args, gas) {
  const before = store.gasUsed;
  let outcome;
  try {
    const result = transact(name, args, gas);
    outcome = `ok${result === undefined ? '' : ` = ${result}`}, ${storage.lastWrites} keys written`;
  } catch (e) {
    if (!(e instanceof Trap)) throw e;
    outcome = `trap ${e.code}, ${storage.lastWrites} keys written and rolled back`;
  }
  console.log(`${name}(${args.join(', ')}) with ${gas} gas: ${outcome}, gas used ${store.gasUsed - before}`);
}

call('mint', [1, 1000n], 10_000);
call('transfer', [1, 2, 300n], 10_000);
call('transfer', [2, 3, 500n], 10_000); // 2 has only 300: unreachable
call('airdrop', [1, 100, 50, 1n], 10_000); // 100 writes do not fit in 10,000 gas
call('airdrop', [2, 200, 5, 100n], 10_000); // 2 can pay 3 of the 5 accounts: unreachable after 6 writes
call('airdrop', [1, 100, 3, 10n], 10_000);
call('balance_of', [1], 10_000);
// The committed balances, by account (key "bal:" + account id, value an i64, both little-endian).
const balances = storage.entries().map(([key, value]) => [key.readInt32LE(4), value.readBigInt64LE(0)]);
balances.sort(([a], [b]) => a - b);
console.log(`balances: ${balances.map(([account, balance]) => `${account}=${balance}`).join(' ')}`);
