/** Module.imports()/exports() describe 3.0 types: tags, 64-bit memories and tables, page sizes, typed references. */
import { Engine } from '../index.js';
import { wat3 } from '../validator/testutil.js';

test('tags, memory64/table64, custom page sizes and typed references in import and export types', () => {
  const [bytes] = wat3([`(module
    (type $t (func (param i32)))
    (import "m" "tag" (tag $e (param i64)))
    (import "m" "mem" (memory i64 1 2))
    (import "m" "g" (global (ref null $t)))
    (table $tab i64 3 (ref null $t))
    (memory $small 5 (pagesize 1))
    (tag $own (param i32 exnref))
    (func $f (param (ref $t)) (result funcref) (ref.null func))
    (export "tag" (tag $own)) (export "tab" (table $tab)) (export "small" (memory $small))
    (export "mem" (memory 0)) (export "f" (func $f)) (export "etag" (tag $e)))`]);
  const m = new Engine({ features: { preset: '3.0', customPageSizes: true } }).compile(bytes);
  expect(m.imports()).toEqual([
    { module: 'm', name: 'tag', kind: 'tag', type: { parameters: ['i64'] } },
    { module: 'm', name: 'mem', kind: 'memory', type: { minimum: 1, maximum: 2, address: 'i64' } },
    { module: 'm', name: 'g', kind: 'global', type: { value: '(ref null 0)', mutable: false } },
  ]);
  expect(m.exports()).toEqual([
    { name: 'tag', kind: 'tag', type: { parameters: ['i32', 'exnref'] } },
    { name: 'tab', kind: 'table', type: { element: '(ref null 0)', minimum: 3, address: 'i64' } },
    { name: 'small', kind: 'memory', type: { minimum: 5, pageSize: 1 } },
    { name: 'mem', kind: 'memory', type: { minimum: 1, maximum: 2, address: 'i64' } },
    { name: 'f', kind: 'function', type: { params: ['(ref 0)'], results: ['funcref'] } },
    { name: 'etag', kind: 'tag', type: { parameters: ['i64'] } },
  ]);
});
