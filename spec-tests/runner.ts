/**
 * Runs the commands of one `.wast` script against an engine adapter and
 * scores every command as passed, failed or skipped (with a reason).
 *
 * Scoring is strict: `assert_malformed` needs a malformed error,
 * `assert_invalid` an invalid error (or a confirmed policy rejection),
 * `assert_trap`/`assert_exhaustion` a trap with the matching code,
 * `assert_unlinkable` a link error, `assert_uninstantiable` a trap during
 * instantiation. Skips are only: quoted (text-syntax) modules; modules the
 * engine rejected by policy where `policy-scan.ts` confirms the feature;
 * modules the engine reports it cannot run yet (detwasm with floats on:
 * float instructions, while the interpreter has none); and commands
 * depending on such modules. The native backend additionally skips
 * what the JS API cannot express (v128 values, NaN payloads).
 */
import type { Action, Command, WastModule, WastValue, ExpectedResult } from './wast.js';
import type { EngineAdapter, ClassifiedError, Imports } from './engines/types.js';
import type { Wabt } from './wat2wasm.js';
import { watToWasm, TextConversionError } from './wat2wasm.js';
import type { TextConverter } from './wasm-tools.js';
import { moduleFeatures, type PolicyFeature } from './policy-scan.js';
import { readBinaryInfo } from './binary-info.js';
import { matchResult, formatActual } from './compare.js';
import { newFileResult, type Category, type FileResult } from './results.js';

type Outcome = { status: 'pass'; viaPolicy?: true; note?: string } | { status: 'fail'; message: string } | { status: 'skip'; reason: string };
const PASS: Outcome = { status: 'pass' };
const fail = (message: string): Outcome => ({ status: 'fail', message });
const skip = (reason: string): Outcome => ({ status: 'skip', reason });

type ModState =
  | { state: 'ready'; instance: unknown; line: number }
  | { state: 'skipped'; line: number; reason: string }
  | { state: 'failed'; line: number; reason: string };

type Registration =
  | { state: 'ready'; exports: Record<string, unknown> }
  | { state: 'skipped'; line: number; reason: string }
  | { state: 'failed'; line: number; reason: string };

/** Spec trap messages (prefixes) → detwasm trap codes (src/errors.ts). */
const TRAP_MESSAGES: Array<[string, string]> = [
  ['unreachable', 'unreachable'],
  ['out of bounds memory access', 'memory_out_of_bounds'],
  ['integer divide by zero', 'integer_divide_by_zero'],
  ['integer overflow', 'integer_overflow'],
  ['indirect call type mismatch', 'indirect_call_type_mismatch'],
  ['undefined element', 'undefined_element'],
  ['uninitialized element', 'uninitialized_element'],
  ['out of bounds table access', 'table_out_of_bounds'],
  ['call stack exhausted', 'call_stack_exhausted'],
  ['null reference', 'null_reference'],
  ['null function reference', 'null_reference'],
  ['invalid conversion to integer', 'invalid_conversion'],
  // the 3.0 folder's bulk64.wast says only "out of bounds" (memory or table)
  ['out of bounds', 'memory_out_of_bounds|table_out_of_bounds'],
];

export function trapCodeFor(message: string): string | undefined {
  return TRAP_MESSAGES.find(([prefix]) => message.startsWith(prefix))?.[1];
}

function categoryOf(cmd: Command): Category {
  switch (cmd.kind) {
    case 'action': return cmd.action.kind;
    case 'assert_trap_module': return 'assert_trap';
    default: return cmd.kind;
  }
}

function normalizeFeature(feature: string | undefined): PolicyFeature | undefined {
  if (!feature) return undefined;
  const f = feature.toLowerCase();
  if (f.startsWith('float')) return 'floats';
  if (f.startsWith('simd') || f.startsWith('v128')) return 'simd';
  if (f.startsWith('thread') || f.startsWith('atomic') || f.startsWith('shared')) return 'threads';
  if (f === 'gc') return 'gc';
  if (f === 'relaxed-simd') return 'relaxed-simd';
  if (f === 'legacy-exceptions') return 'legacy-exceptions';
  return undefined;
}

function describe(e: ClassifiedError): string {
  const codes = e.kind === 'trap' && e.trapCodes.length ? ` [${e.trapCodes.join('|')}]` : '';
  return `${e.kind} error${codes}: ${e.message}`;
}

function hasV128(values: Array<WastValue | ExpectedResult>): boolean {
  return values.some((v) => (!('kind' in v) ? v.type === 'v128'
    : v.kind === 'v128' || (v.kind === 'value' && v.value.type === 'v128') || (v.kind === 'either' && hasV128(v.options))));
}

/** A NaN argument other than the canonical one (JS numbers may not carry it intact). */
function isNaNWithPayload(v: WastValue): boolean {
  if (v.type === 'f32') return (v.bits & 0x7f800000) === 0x7f800000 && (v.bits & 0x7fffff) !== 0 && (v.bits & 0x7fffff) !== 0x400000;
  if (v.type === 'f64') {
    const frac = v.bits & 0xfffffffffffffn;
    return (v.bits & 0x7ff0000000000000n) === 0x7ff0000000000000n && frac !== 0n && frac !== 0x8000000000000n;
  }
  return false;
}

/** A pass, noting when the engine's reason differs from the expected message (the reference interpreter compares by prefix). */
function withReasonCheck(error: ClassifiedError, expected: string): Outcome {
  if (error.reason === undefined || error.reason.startsWith(expected)) return PASS;
  return { status: 'pass', note: `expected "${expected}", engine said "${error.reason}"` };
}

type Loaded =
  | { ok: true; bytes: Uint8Array; compiled: unknown }
  | { ok: false; outcome: Outcome };

export class ScriptRunner {
  private readonly modules = new Map<string, ModState>();
  private readonly definitions = new Map<string, { compiled: unknown; bytes: Uint8Array } | ModState>();
  private current: ModState | undefined;
  private readonly registered = new Map<string, Registration>();
  private readonly spectest: Record<string, unknown>;

  /**
   * `convert` turns text modules into binaries (wabt's `watToWasm` unless
   * given, e.g. wasm-tools' parser for the 3.0 text format); `wabt` also
   * disassembles binary modules for the policy scan.
   */
  constructor(
    private readonly engine: EngineAdapter,
    private readonly wabt: Wabt,
    private readonly file: string,
    private readonly convert: TextConverter = (text, name) => watToWasm(wabt, text, name),
  ) {
    this.spectest = engine.spectest();
  }

  run(commands: Command[]): FileResult {
    const result = newFileResult(this.file);
    for (const cmd of commands) {
      let outcome: Outcome;
      try {
        outcome = this.command(cmd);
      } catch (e) {
        outcome = fail(`runner error: ${(e as Error)?.stack ?? String(e)}`);
      }
      const cat = categoryOf(cmd);
      const counts = (result.byCategory[cat] ??= { passed: 0, failed: 0, skipped: 0 });
      if (outcome.status === 'pass') {
        result.passed++; counts.passed++;
        if (outcome.viaPolicy) result.policyAccepted++;
        if (outcome.note) result.messageMismatches.push({ line: cmd.line, category: cat, message: outcome.note });
      }
      else if (outcome.status === 'fail') {
        result.failed++; counts.failed++;
        result.failures.push({ line: cmd.line, category: cat, message: outcome.message });
      } else {
        result.skipped++; counts.skipped++;
        result.skips.push({ line: cmd.line, category: cat, message: outcome.reason });
      }
    }
    const gas = this.engine.gasUsed?.();
    if (gas !== undefined) result.gasUsed = gas;
    return result;
  }

  private command(cmd: Command): Outcome {
    switch (cmd.kind) {
      case 'module': return this.moduleCommand(cmd.module);
      case 'module_instance': return this.moduleInstance(cmd.instance, cmd.definition, cmd.line);
      case 'register': return this.register(cmd.as, cmd.module);
      case 'action': {
        const r = this.act(cmd.action, 0);
        if ('outcome' in r) return r.outcome;
        return r.error ? fail(`action failed: ${describe(r.error)}`) : PASS;
      }
      case 'assert_return': return this.assertReturn(cmd.action, cmd.results);
      case 'assert_trap':
      case 'assert_exhaustion': return this.assertTrap(cmd.action, cmd.message);
      case 'assert_exception': return this.assertException(cmd.action);
      case 'assert_trap_module':
      case 'assert_uninstantiable': return this.assertInstantiationTrap(cmd.module, cmd.message);
      case 'assert_invalid': return this.assertInvalid(cmd.module, cmd.message);
      case 'assert_malformed': return this.assertMalformed(cmd.module, cmd.message);
      case 'assert_unlinkable': return this.assertUnlinkable(cmd.module, cmd.message);
    }
  }

  // ---- modules ----

  /** Converts and compiles a module; a failure comes back as the outcome of a command that needs the module. */
  private load(mod: WastModule): Loaded {
    const binary = this.binaryOf(mod);
    if ('outcome' in binary) return { ok: false, outcome: binary.outcome };
    const bytes = binary.bytes;
    let compiled: unknown;
    try {
      compiled = this.engine.compile(bytes);
    } catch (e) {
      const err = this.engine.classify(e);
      if (err.kind === 'policy') {
        const confirmed = this.confirmPolicy(mod, bytes, err.feature);
        if (confirmed) return { ok: false, outcome: skip(`policy: module uses ${confirmed} (${err.message})`) };
        return { ok: false, outcome: fail(`policy error, but the module does not use "${err.feature}": ${err.message}`) };
      }
      if (err.kind === 'unsupported') return { ok: false, outcome: skip(`unsupported: ${err.message}`) };
      // a valid module whose memory or table is larger than the engine's deterministic limits allow
      // (3.0 folder: module definitions of 2^16+ pages or 2^32+ elements, never instantiated)
      if (err.kind === 'limit' && /maxMemoryPages|maxTableSize/.test(err.message)) {
        return { ok: false, outcome: skip(`limit: the module's memory or table exceeds the engine's deterministic limits (${err.message})`) };
      }
      return { ok: false, outcome: fail(`compile failed: ${describe(err)}`) };
    }
    const violation = this.policyViolation(mod, bytes);
    if (violation) return { ok: false, outcome: fail(violation) };
    return { ok: true, bytes, compiled };
  }

  /** For engines that enforce the determinism policy: why an accepted module should have been rejected. */
  private policyViolation(mod: WastModule, bytes: Uint8Array): string | undefined {
    if (!this.engine.enforcesPolicy) return undefined;
    const found = moduleFeatures(this.wabt, mod, bytes);
    const used = found && [...found].filter((f) => (f === 'floats' && !this.engine.allowsFloats) || f === 'simd' || f === 'threads');
    if (!used || used.length === 0) return undefined;
    return `the engine accepted a module that uses ${used.join(', ')} (determinism policy)`;
  }

  /** The policy feature, if the runner's own scan finds it in the module. */
  private confirmPolicy(mod: WastModule, bytes: Uint8Array, feature: string | undefined): PolicyFeature | undefined {
    const f = normalizeFeature(feature);
    if (!f) return undefined;
    const used = moduleFeatures(this.wabt, mod, bytes);
    return used?.has(f) ? f : undefined;
  }

  private imports(): Imports {
    const imports: Imports = { spectest: this.spectest };
    for (const [name, reg] of this.registered) if (reg.state === 'ready') imports[name] = reg.exports;
    return imports;
  }

  /**
   * Instantiates; on failure returns the classified error. A link error gets a
   * skip reason when it can be blamed on a registered module that was skipped:
   * `expectLinkError` (assert_unlinkable) when any import comes from one (the
   * expected failure cannot be told from the missing module); otherwise only
   * when every import comes from one, so the link error has no other cause.
   */
  private instantiate(compiled: unknown, bytes: Uint8Array, expectLinkError = false): { instance: unknown } | { error: ClassifiedError; skipReason?: string } {
    try {
      return { instance: this.engine.instantiate(compiled, this.imports()) };
    } catch (e) {
      const error = this.engine.classify(e);
      if (error.kind !== 'link') return { error };
      const sources = readBinaryInfo(bytes).importModules;
      const skipped = sources.filter((name) => this.registered.get(name)?.state === 'skipped');
      if (skipped.length === 0 || (!expectLinkError && skipped.length !== sources.length)) return { error };
      const reg = this.registered.get(skipped[0]) as Registration & { state: 'skipped' };
      return { error, skipReason: `imports from "${skipped[0]}", a skipped module (line ${reg.line}: ${reg.reason})` };
    }
  }

  private bind(mod: WastModule, state: ModState): void {
    this.current = state;
    if (mod.name !== undefined) this.modules.set(mod.name, state);
  }

  private moduleCommand(mod: WastModule): Outcome {
    const loaded = this.load(mod);
    if (!loaded.ok) {
      const o = loaded.outcome;
      const state: ModState = o.status === 'skip'
        ? { state: 'skipped', line: mod.line, reason: o.reason }
        : { state: 'failed', line: mod.line, reason: o.status === 'fail' ? o.message : '' };
      if (mod.definition) { if (mod.name) this.definitions.set(mod.name, state); }
      else this.bind(mod, state);
      return o;
    }
    if (mod.definition) {
      if (mod.name) this.definitions.set(mod.name, { compiled: loaded.compiled, bytes: loaded.bytes });
      return PASS;
    }
    return this.instantiateAndBind(mod, loaded.compiled, loaded.bytes);
  }

  private instantiateAndBind(mod: WastModule, compiled: unknown, bytes: Uint8Array): Outcome {
    const r = this.instantiate(compiled, bytes);
    if ('instance' in r) {
      this.bind(mod, { state: 'ready', instance: r.instance, line: mod.line });
      return PASS;
    }
    if (r.skipReason) {
      this.bind(mod, { state: 'skipped', line: mod.line, reason: r.skipReason });
      return skip(r.skipReason);
    }
    const message = `instantiation failed: ${describe(r.error)}`;
    this.bind(mod, { state: 'failed', line: mod.line, reason: message });
    return fail(message);
  }

  private moduleInstance(instance: string | undefined, definition: string | undefined, line: number): Outcome {
    const def = definition === undefined ? undefined : this.definitions.get(definition);
    const mod: WastModule = { name: instance, source: { kind: 'binary', bytes: new Uint8Array() }, definition: false, line };
    if (!def) {
      const reason = `unknown module definition ${definition ?? '(none)'}`;
      this.bind(mod, { state: 'failed', line, reason });
      return fail(reason);
    }
    if ('state' in def) {
      this.bind(mod, { ...def, line });
      return def.state === 'skipped' ? skip(`definition skipped: ${def.reason}`) : fail(`definition failed: ${def.state === 'failed' ? def.reason : ''}`);
    }
    return this.instantiateAndBind(mod, def.compiled, def.bytes);
  }

  private register(as: string, name: string | undefined): Outcome {
    const state = name === undefined ? this.current : this.modules.get(name);
    if (!state) {
      this.registered.set(as, { state: 'failed', line: 0, reason: 'unknown module' });
      return fail(`register: unknown module ${name ?? '(current)'}`);
    }
    switch (state.state) {
      case 'ready':
        this.registered.set(as, { state: 'ready', exports: this.engine.exports(state.instance) });
        return PASS;
      case 'skipped':
        this.registered.set(as, { state: 'skipped', line: state.line, reason: state.reason });
        return skip(`registers a skipped module (line ${state.line}: ${state.reason})`);
      case 'failed':
        this.registered.set(as, { state: 'failed', line: state.line, reason: state.reason });
        return fail(`registers a module that failed (line ${state.line})`);
    }
  }

  // ---- actions ----

  /** Runs an action; `outcome` when it could not run (skip/fail), else the values or the error. */
  private act(action: Action, resultCount: number): { outcome: Outcome } | { values: unknown[]; error?: undefined } | { error: ClassifiedError } {
    const state = action.module === undefined ? this.current : this.modules.get(action.module);
    if (!state) return { outcome: fail(`unknown module ${action.module ?? '(no current module)'}`) };
    if (state.state === 'skipped') return { outcome: skip(`depends on a skipped module (line ${state.line}: ${state.reason})`) };
    if (state.state === 'failed') return { outcome: fail(`depends on a module that failed (line ${state.line})`) };
    if (action.kind === 'invoke' && !this.engine.supportsV128 && hasV128(action.args)) {
      const o = this.engine.reference ? skip('native: v128 values cannot cross the JS API') : fail('engine accepted a module passing v128 values');
      return { outcome: o };
    }
    try {
      if (action.kind === 'invoke') return { values: this.engine.invoke(state.instance, action.name, action.args, resultCount) };
      return { values: [this.engine.get(state.instance, action.name)] };
    } catch (e) {
      const error = this.engine.classify(e);
      if (error.kind === 'unsupported' && this.engine.reference) return { outcome: skip(`native: ${error.message}`) };
      return { error };
    }
  }

  private assertReturn(action: Action, results: ExpectedResult[]): Outcome {
    if (hasV128(results) && !this.engine.supportsV128 && this.engine.reference) {
      // Resolve dependencies first so a skipped module is reported as such.
      const state = action.module === undefined ? this.current : this.modules.get(action.module);
      if (state?.state === 'ready') return skip('native: v128 values cannot cross the JS API');
    }
    const r = this.act(action, results.length);
    if ('outcome' in r) return r.outcome;
    if (r.error) return fail(`expected results, got ${describe(r.error)}`);
    const values = r.values;
    if (values.length !== results.length) {
      return fail(`expected ${results.length} results, got ${values.length}: [${values.map(formatActual).join(', ')}]`);
    }
    const opts = { nanPayloadUnobservable: this.engine.reference && !this.engine.preservesNaNPayloads };
    for (let k = 0; k < results.length; k++) {
      const v = matchResult(results[k], values[k], opts);
      if (!v.ok) {
        const where = results.length > 1 ? `result ${k}: ` : '';
        if (v.skip) return skip(`native: ${v.message}`);
        // a JS number may have lost an argument's NaN payload; exact bits (F32Bits/F64Bits) cannot have
        if (opts.nanPayloadUnobservable && typeof values[k] === 'number' && action.kind === 'invoke' && action.args.some(isNaNWithPayload)) {
          return skip(`native: NaN argument payload is not preserved through JS numbers (${v.message})`);
        }
        return fail(where + v.message);
      }
    }
    return PASS;
  }

  private expectTrap(error: ClassifiedError, message: string): Outcome {
    const code = trapCodeFor(message);
    if (error.kind !== 'trap') return fail(`expected trap "${message}", got ${describe(error)}`);
    if (code === undefined) return fail(`runner does not know the trap message "${message}"`);
    if (!code.split('|').some((c) => error.trapCodes.includes(c))) return fail(`expected trap "${message}" (${code}), got ${describe(error)}`);
    return PASS;
  }

  private assertException(action: Action): Outcome {
    const r = this.act(action, 0);
    if ('outcome' in r) return r.outcome;
    if (!r.error) return fail(`expected an exception, got results [${r.values.map(formatActual).join(', ')}]`);
    if (r.error.kind !== 'exception') return fail(`expected an exception, got ${describe(r.error)}`);
    return PASS;
  }

  private assertTrap(action: Action, message: string): Outcome {
    const r = this.act(action, 0);
    if ('outcome' in r) return r.outcome;
    if (!r.error) return fail(`expected trap "${message}", got results [${r.values.map(formatActual).join(', ')}]`);
    return this.expectTrap(r.error, message);
  }

  private assertInstantiationTrap(mod: WastModule, message: string): Outcome {
    const loaded = this.load(mod);
    if (!loaded.ok) return loaded.outcome;
    const r = this.instantiate(loaded.compiled, loaded.bytes);
    if ('instance' in r) return fail(`expected trap "${message}" during instantiation, but it succeeded`);
    if (r.skipReason) return skip(r.skipReason);
    return this.expectTrap(r.error, message);
  }

  private assertUnlinkable(mod: WastModule, message: string): Outcome {
    const loaded = this.load(mod);
    if (!loaded.ok) return loaded.outcome;
    const r = this.instantiate(loaded.compiled, loaded.bytes, true);
    if ('instance' in r) return fail(`expected link error "${message}", but instantiation succeeded`);
    if (r.skipReason) return skip(r.skipReason);
    if (r.error.kind !== 'link') return fail(`expected link error "${message}", got ${describe(r.error)}`);
    return PASS;
  }

  /** The module's binary (a text module converted by wabt), or the outcome of a command that needs it when there is none. */
  private binaryOf(mod: WastModule): { bytes: Uint8Array } | { outcome: Outcome } {
    switch (mod.source.kind) {
      case 'quote':
        return { outcome: skip('text format: quoted module') };
      case 'binary':
        return { bytes: mod.source.bytes };
      case 'text':
        try {
          return { bytes: this.convert(mod.source.bytes, `${this.file}:${mod.line}`) };
        } catch (e) {
          if (e instanceof TextConversionError) return { outcome: fail(e.message) };
          throw e;
        }
    }
  }

  /** Compiles a module expected not to compile; `undefined` when it compiled. */
  private compileExpectingError(mod: WastModule): { outcome: Outcome } | { error: ClassifiedError; bytes: Uint8Array } | undefined {
    const binary = this.binaryOf(mod);
    if ('outcome' in binary) return binary;
    const bytes = binary.bytes;
    try {
      this.engine.compile(bytes);
      return undefined;
    } catch (e) {
      return { error: this.engine.classify(e), bytes };
    }
  }

  private assertInvalid(mod: WastModule, message: string): Outcome {
    const r = this.compileExpectingError(mod);
    if (!r) return fail(`expected invalid module "${message}", but it compiled`);
    if ('outcome' in r) return r.outcome;
    const kind = r.error.kind;
    if (kind === 'invalid' || (kind === 'compile' && !this.engine.distinguishesMalformed)) return withReasonCheck(r.error, message);
    if (kind === 'policy') {
      if (this.confirmPolicy(mod, r.bytes, r.error.feature)) return { status: 'pass', viaPolicy: true };
      return fail(`expected invalid "${message}", got a policy error for a feature the module does not use: ${r.error.message}`);
    }
    return fail(`expected invalid "${message}", got ${describe(r.error)}`);
  }

  private assertMalformed(mod: WastModule, message: string): Outcome {
    const r = this.compileExpectingError(mod);
    if (!r) return fail(`expected malformed module "${message}", but it compiled`);
    if ('outcome' in r) return r.outcome;
    const kind = r.error.kind;
    if (kind === 'malformed' || (kind === 'compile' && !this.engine.distinguishesMalformed)) return withReasonCheck(r.error, message);
    return fail(`expected malformed "${message}", got ${describe(r.error)}`);
  }
}
