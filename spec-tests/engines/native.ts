/**
 * The `native` backend: the host's own WebAssembly implementation. Used to
 * check the parser and runner (float tests pass here too). It cannot tell
 * malformed from invalid modules (both are `WebAssembly.CompileError`) and its
 * trap messages are engine-specific, mapped below. Functions with v128, f32
 * or f64 in their signature are called through a wrapper module
 * (native-v128.ts) that passes values through memory, so float arguments and
 * results keep their exact bits (NaN payloads included). What it cannot check
 * bitwise: float globals (read through `Global.value`, a JS number, where V8
 * may canonicalize a NaN) and float values of functions that also pass
 * references (called directly); a NaN payload mismatch there is a skip.
 */
import type { EngineAdapter, ClassifiedError, Imports } from './types.js';
import type { WastValue } from '../wast.js';
import { toJS, resultList } from './values.js';
import { readBinaryInfo, type FuncSig } from '../binary-info.js';
import { callThroughMemory, wrappable } from './native-v128.js';

interface NativeModule { module: WebAssembly.Module; funcExports: Map<string, FuncSig> }
interface NativeInstance { instance: WebAssembly.Instance; funcExports: Map<string, FuncSig> }

/** V8 trap messages → the trap codes they may stand for. */
const V8_TRAPS: Array<[RegExp, string[]]> = [
  [/^unreachable/, ['unreachable']],
  [/memory access out of bounds/, ['memory_out_of_bounds']],
  [/data segment .*out of bounds|segment has been dropped|out of bounds memory/, ['memory_out_of_bounds']],
  [/(divide|remainder) by zero/, ['integer_divide_by_zero']],
  [/divide result unrepresentable/, ['integer_overflow']],
  [/float unrepresentable in integer range/, ['integer_overflow', 'invalid_conversion']],
  [/null function or function signature mismatch/, ['indirect_call_type_mismatch', 'uninitialized_element']],
  [/function signature mismatch/, ['indirect_call_type_mismatch']],
  [/table index is out of bounds/, ['undefined_element', 'table_out_of_bounds']],
  [/element segment .*out of bounds|table access out of bounds|out of bounds table/, ['table_out_of_bounds']],
  [/dereferencing a null pointer|null/, ['null_reference']],
];

export function createNativeEngine(): EngineAdapter {
  return {
    name: 'native',
    reference: true,
    enforcesPolicy: false,
    distinguishesMalformed: false,
    supportsV128: true,
    preservesNaNPayloads: false,
    allowsFloats: true,
    compile(bytes: Uint8Array): unknown {
      const module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
      const m: NativeModule = { module, funcExports: readBinaryInfo(bytes).funcExports };
      return m;
    },
    instantiate(module: unknown, imports: Imports): unknown {
      const m = module as NativeModule;
      const i: NativeInstance = { instance: new WebAssembly.Instance(m.module, imports as WebAssembly.Imports), funcExports: m.funcExports };
      return i;
    },
    exports(instance: unknown): Record<string, unknown> {
      return (instance as NativeInstance).instance.exports as Record<string, unknown>;
    },
    spectest(): Record<string, unknown> {
      const print = (): void => {};
      return {
        global_i32: new WebAssembly.Global({ value: 'i32' }, 666),
        global_i64: new WebAssembly.Global({ value: 'i64' }, 666n),
        global_f32: new WebAssembly.Global({ value: 'f32' }, 666.6),
        global_f64: new WebAssembly.Global({ value: 'f64' }, 666.6),
        table: new WebAssembly.Table({ element: 'anyfunc', initial: 10, maximum: 20 }),
        memory: new WebAssembly.Memory({ initial: 1, maximum: 2 }),
        print, print_i32: print, print_i64: print, print_f32: print, print_f64: print,
        print_i32_f32: print, print_f64_f64: print,
      };
    },
    invoke(instance: unknown, name: string, args: WastValue[], resultCount: number): unknown[] {
      const inst = instance as NativeInstance;
      const f = inst.instance.exports[name];
      if (typeof f !== 'function') throw new Error(`no exported function "${name}"`);
      const sig = inst.funcExports.get(name);
      if (sig && [...sig.params, ...sig.results].some((t) => t === 0x7b || t === 0x7d || t === 0x7c) && wrappable(sig)) {
        return callThroughMemory(f as (...a: unknown[]) => unknown, sig, args);
      }
      return resultList((f as (...a: unknown[]) => unknown)(...args.map(toJS)), resultCount);
    },
    get(instance: unknown, name: string): unknown {
      const g = (instance as NativeInstance).instance.exports[name];
      if (!(g instanceof WebAssembly.Global)) throw new Error(`no exported global "${name}"`);
      return g.value;
    },
    classify(error: unknown): ClassifiedError {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof WebAssembly.CompileError) return { kind: 'compile', trapCodes: [], message };
      if (error instanceof WebAssembly.LinkError) return { kind: 'link', trapCodes: [], message };
      const Exn = (WebAssembly as unknown as { Exception?: new (...a: unknown[]) => unknown }).Exception;
      if (Exn !== undefined && error instanceof Exn) return { kind: 'exception', trapCodes: [], message: 'uncaught wasm exception' };
      if (error instanceof WebAssembly.RuntimeError) {
        const hit = V8_TRAPS.find(([re]) => re.test(message));
        return { kind: 'trap', trapCodes: hit ? hit[1] : [], message };
      }
      if (error instanceof RangeError && /call stack/i.test(message)) {
        return { kind: 'trap', trapCodes: ['call_stack_exhausted'], message };
      }
      if (error instanceof TypeError && /type incompatibility when transforming from\/to JS/.test(message)) {
        return { kind: 'unsupported', trapCodes: [], message: 'v128 values cannot cross the JS API' };
      }
      // Importing from a module the import object lacks is a TypeError in the JS API.
      if (error instanceof TypeError && /Import #\d+/.test(message)) return { kind: 'link', trapCodes: [], message };
      return { kind: 'other', trapCodes: [], message: error instanceof Error ? `${error.name}: ${message}` : message };
    },
  };
}
