/**
 * The compiler's shared translator (compiler.ts) serves every compilation; it
 * must not keep the last compiled module alive once its caller drops it.
 */
import * as v8 from 'v8';
import * as vm from 'vm';
import { Engine } from '../index';
import { internals } from './runtime';
import { compileFresh, wat } from './testutil';

/** `global.gc`, switched on at run time when jest runs without --expose-gc. */
function getGc(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

test('compiling a function does not keep its module alive', async () => {
  const e = new Engine();
  const bytes = await wat('(module (func (param i32) (result i32) (block (br_if 0 (local.get 0))) (i32.add (local.get 0) (i32.const 1))))');
  const ref = ((): WeakRef<object> => {
    const module = e.compile(bytes);
    compileFresh(module, 0);
    return new WeakRef(internals(module).vm);
  })();
  // a WeakRef's target stays alive until the current job ends
  await new Promise((resolve) => setTimeout(resolve, 0));
  getGc()();
  expect(ref.deref()).toBeUndefined();
});
