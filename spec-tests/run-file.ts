/** Runs one `.wast` file in the current thread. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseWast } from './wast.js';
import { loadWabt } from './wat2wasm.js';
import { createEngine, type EngineName, type EngineOptions } from './engines/index.js';
import { ScriptRunner } from './runner.js';
import { loadWasmTools } from './wasm-tools.js';
import { fileFailure, type FileResult } from './results.js';

export interface RunFileOptions extends EngineOptions {
  engine: EngineName;
  /** Text converter: wabt (default; the 2.0 text format) or wasm-tools (the 3.0 text format). */
  text?: 'wabt' | 'wasm-tools';
}

export async function runWastFile(file: string, options: RunFileOptions): Promise<FileResult> {
  const started = Date.now();
  const name = basename(file);
  let result: FileResult;
  try {
    const commands = parseWast(readFileSync(file));
    const wabt = await loadWabt();
    const engine = createEngine(options.engine, options);
    const convert = options.text === 'wasm-tools' ? await loadWasmTools() : undefined;
    result = new ScriptRunner(engine, wabt, name, convert).run(commands);
  } catch (e) {
    result = fileFailure(name, `could not run the file: ${(e as Error)?.message ?? String(e)}`);
  }
  result.ms = Date.now() - started;
  return result;
}
