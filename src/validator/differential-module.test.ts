/**
 * Differential test of module-level validation: random modules with
 * imports, tables, memories, globals (constant expressions), exports, start,
 * element and data segments, validated by detwasm and by the host's
 * `WebAssembly.validate` (V8 11.3 in Node 20, which implements exactly the
 * WebAssembly 2.0 rules for these: no extended-const, no multi-memory, no
 * global.get of defined globals in constant expressions). No floats or SIMD
 * are generated, so the policy never decides.
 */
import { decode } from '../decoder/index.js';
import { resolveConfig } from '../config.js';
import { CompileError } from '../errors.js';
import { validate } from './index.js';
import { uleb, vec, section, I32, I64, FUNCREF, EXTERNREF } from '../decoder/testutil.js';
import { prng, FUZZ_SEED as SEED, FUZZ_SCALE as SCALE } from './testutil.js';

/** Types: 0 [] -> [], 1 [i32] -> [i32], 2 [] -> [i32 i64]. */
const TYPES = [[0x60, 0, 0], [0x60, 1, I32, 1, I32], [0x60, 0, 2, I32, I64]];

class Gen {
  constructor(private r: () => number) {}
  pick(n: number): number { return Math.floor(this.r() * n); }
  chance(p: number): boolean { return this.r() < p; }
  oneOf<T>(xs: readonly T[]): T { return xs[this.pick(xs.length)]; }
  /** An index into a space of n entries; now and then one past the end. */
  index(n: number): number { return this.chance(0.04) ? n : this.pick(Math.max(n, 1)); }
  limits(maxMin: number): number[] {
    const min = this.pick(maxMin);
    if (this.chance(0.4)) return [0x00, ...uleb(min)];
    const max = this.chance(0.05) ? Math.max(0, min - 1) : min + this.pick(3);
    return [0x01, ...uleb(min), ...uleb(max)];
  }
  memLimits(): number[] {
    if (this.chance(0.04)) return [0x00, ...uleb(65537)];
    if (this.chance(0.04)) return [0x01, 0, ...uleb(this.oneOf([65536, 65537]))];
    return this.limits(3);
  }
  valtype(): number { return this.oneOf([I32, I32, I64, FUNCREF, EXTERNREF]); }
  /** A constant expression, usually of type `t`, sometimes wrong or not constant. */
  constExpr(t: number, nfuncs: number, nglobals: number): number[] {
    const x = this.r() * 4; // mistakes in about 7% of the expressions
    let body: number[];
    if (x < 0.08) body = [0x23, this.index(nglobals)]; // global.get (any type)
    else if (x < 0.12) body = [0x41, 1, 0x41, 2, 0x6a]; // i32.add: not constant in 2.0
    else if (x < 0.15) body = []; // empty
    else if (x < 0.18) body = [0x41, 0, 0x41, 0]; // two values
    else if (x < 0.22) body = [0x01]; // nop
    else if (x < 0.3) body = this.oneOf([[0x41, 0], [0x42, 0], [0xd0, FUNCREF], [0xd0, EXTERNREF], [0xd2, this.index(nfuncs)]]);
    else if (t === I32) body = [0x41, this.pick(3)];
    else if (t === I64) body = [0x42, this.pick(3)];
    else if (t === FUNCREF) body = this.chance(0.5) ? [0xd0, FUNCREF] : [0xd2, this.index(nfuncs)];
    else body = [0xd0, EXTERNREF];
    return [...body, 0x0b];
  }

  module(): Uint8Array<ArrayBuffer> {
    const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    out.push(...section(1, vec(TYPES)));

    // imports
    const imports: number[][] = [];
    let nfuncs = 0, nglobals = 0, ntables = 0, nmems = 0;
    const globalTypes: number[] = [];
    for (let i = this.pick(4); i > 0; i--) {
      const head = [1, 0x6d, 1, 0x61 + this.pick(3)]; // module "m", name "a".."c"
      switch (this.oneOf([0, 0, 0, 1, 1, 1, 2, 3])) {
        case 0: imports.push([...head, 0x00, this.index(3)]); nfuncs++; break; // type 3 is unknown
        case 1: { const t = this.valtype(); imports.push([...head, 0x03, t, this.chance(0.3) ? 1 : 0]); globalTypes.push(t); nglobals++; break; }
        case 2: imports.push([...head, 0x01, this.oneOf([FUNCREF, EXTERNREF]), ...this.limits(3)]); ntables++; break;
        default: imports.push([...head, 0x02, ...this.memLimits()]); nmems++; break;
      }
    }
    if (imports.length) out.push(...section(2, vec(imports)));
    const numImportedGlobals = nglobals;

    // functions
    const funcTypes: number[] = [];
    for (let i = this.pick(4); i > 0; i--) funcTypes.push(this.chance(0.02) ? 3 : this.pick(3));
    if (funcTypes.length) out.push(...section(3, vec(funcTypes.map((t) => [t]))));
    nfuncs += funcTypes.length;

    // tables, memories
    const tables: number[][] = [];
    for (let i = this.chance(0.7) ? 1 + this.pick(2) : 0; i > 0; i--) tables.push([this.oneOf([FUNCREF, FUNCREF, FUNCREF, EXTERNREF]), ...this.limits(4)]);
    if (tables.length) out.push(...section(4, vec(tables)));
    ntables += tables.length;
    const mems: number[][] = [];
    for (let i = this.chance(0.6) && (nmems === 0 || this.chance(0.05)) ? (this.chance(0.05) ? 2 : 1) : 0; i > 0; i--) mems.push(this.memLimits());
    if (mems.length) out.push(...section(5, vec(mems)));
    nmems += mems.length;

    // globals: constant expressions see the imported globals only
    const globals: number[][] = [];
    for (let i = this.pick(4); i > 0; i--) {
      const t = this.valtype();
      globals.push([t, this.chance(0.4) ? 1 : 0, ...this.constExpr(t, nfuncs, numImportedGlobals)]);
      globalTypes.push(t);
    }
    if (globals.length) out.push(...section(6, vec(globals)));
    nglobals += globals.length;

    // exports (names "a".."e" so that duplicates happen)
    const exports: number[][] = [];
    for (let i = this.pick(4); i > 0; i--) {
      const kind = this.pick(4);
      const count = [nfuncs, ntables, nmems, nglobals][kind];
      exports.push([1, 0x61 + this.pick(5), kind, this.index(count)]);
    }
    if (exports.length) out.push(...section(7, vec(exports)));

    if (this.chance(0.2)) out.push(...section(8, [this.index(nfuncs)]));

    // element segments
    const elems: number[][] = [];
    for (let i = this.pick(3); i > 0; i--) {
      const flags = ntables > 0 || this.chance(0.1) ? this.pick(8) : this.oneOf([1, 3, 5, 7]);
      const t = flags >= 4 && this.chance(0.3) ? EXTERNREF : FUNCREF;
      const n = this.pick(3);
      const funcs = vec(Array.from({ length: n }, () => [this.index(nfuncs)]));
      const exprs = vec(Array.from({ length: n }, () => this.constExpr(t, nfuncs, numImportedGlobals)));
      const offset = this.constExpr(I32, nfuncs, numImportedGlobals);
      const table = this.index(ntables);
      switch (flags) {
        case 0: elems.push([0, ...offset, ...funcs]); break;
        case 1: elems.push([1, 0x00, ...funcs]); break;
        case 2: elems.push([2, table, ...offset, 0x00, ...funcs]); break;
        case 3: elems.push([3, 0x00, ...funcs]); break;
        case 4: elems.push([4, ...offset, ...exprs]); break;
        case 5: elems.push([5, t, ...exprs]); break;
        case 6: elems.push([6, table, ...offset, t, ...exprs]); break;
        default: elems.push([7, t, ...exprs]); break;
      }
    }
    if (elems.length) out.push(...section(9, vec(elems)));

    // data segments (count decided first for the data count section)
    const datas: number[][] = [];
    for (let i = nmems > 0 || this.chance(0.1) ? this.pick(3) : 0; i > 0; i--) {
      const k = this.pick(3);
      const offset = this.constExpr(I32, nfuncs, numImportedGlobals);
      if (k === 0) datas.push([0, ...offset, 1, 0x2a]);
      else if (k === 1) datas.push([1, 1, 0x2a]);
      else datas.push([2, this.pick(2), ...offset, 0]);
    }
    if (datas.length && this.chance(0.5)) out.push(...section(12, uleb(datas.length)));

    // code: `unreachable` fits every type; some bodies use ref.func / memory / tables / globals
    const codes = funcTypes.map(() => {
      const body: number[] = [0x00];
      if (this.chance(0.15)) body.unshift(0xd2, this.index(nfuncs), 0x1a);
      if (this.chance(nmems > 0 ? 0.3 : 0.03)) body.unshift(0x3f, 0x00, 0x1a);
      if (this.chance(ntables > 0 ? 0.3 : 0.03)) body.unshift(0xfc, 16, this.index(ntables), 0x1a);
      if (this.chance(0.08)) body.unshift(0x41, 0, 0x24, this.index(nglobals));
      const c = [0, ...body, 0x0b];
      return [...uleb(c.length), ...c];
    });
    if (codes.length) out.push(...section(10, vec(codes)));
    if (datas.length) out.push(...section(11, vec(datas)));
    return new Uint8Array(out);
  }
}

test('detwasm and V8 agree on random modules', () => {
  const g = new Gen(prng(SEED ?? 4242));
  const count = 10000 * SCALE;
  const config = resolveConfig();
  let valid = 0;
  let malformed = 0;
  const tally: Record<string, number> = {};
  const disagreements: string[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = g.module();
    const host = WebAssembly.validate(bytes);
    let ours = true;
    let why = '';
    try {
      validate(decode(bytes), config);
    } catch (e) {
      if (!(e instanceof CompileError)) throw e;
      if (e.code === 'malformed') malformed++;
      ours = false;
      why = e.message;
      const reason = e.reason.replace(/[0-9"(].*/, '').trim();
      tally[reason] = (tally[reason] ?? 0) + 1;
    }
    if (ours) valid++;
    if (ours !== host && disagreements.length < 5) {
      disagreements.push(`#${i}: detwasm ${ours ? 'accepts' : `rejects (${why})`}, V8 ${host ? 'accepts' : 'rejects'}: ${Buffer.from(bytes).toString('hex')}`);
    }
  }
  expect(disagreements).toEqual([]);
  // eslint-disable-next-line no-console
  console.log(`${valid} valid, ${malformed} malformed of ${count}`, tally);
  expect(valid).toBeGreaterThan(1500 * SCALE);
  expect(malformed).toBeLessThan(1000 * SCALE);
  // Many different rules decided some module.
  expect(Object.keys(tally).length).toBeGreaterThanOrEqual(18);
});
