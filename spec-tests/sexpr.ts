/**
 * S-expressions over the tokens of `lexer.ts`. Every node keeps its byte span
 * in the source so a module can be cut out verbatim. Annotations
 * (`(@name ...)`, WebAssembly annotations proposal) are dropped from the tree;
 * they stay inside the source spans.
 */
import { tokenize, WastSyntaxError, type Token } from './lexer.js';

export type SExpr = SAtom | SString | SList;

export interface SAtom { kind: 'atom'; text: string; start: number; end: number; line: number }
export interface SString { kind: 'string'; bytes: Uint8Array; start: number; end: number; line: number }
export interface SList { kind: 'list'; items: SExpr[]; start: number; end: number; line: number }

/** Parses a whole `.wast` file into its top-level S-expressions. */
export function parseSExprs(src: Uint8Array): SList[] {
  const tokens = tokenize(src);
  const top: SList[] = [];
  let pos = 0;
  while (pos < tokens.length) {
    const t = tokens[pos];
    if (t.kind !== 'lparen') throw new WastSyntaxError('expected "(" at top level', t.line);
    const [node, next] = parseList(tokens, pos);
    pos = next;
    if (node) top.push(node);
  }
  return top;
}

/** Parses the list starting at `tokens[pos]` (an lparen); null for an annotation. */
function parseList(tokens: Token[], pos: number): [SList | null, number] {
  const open = tokens[pos];
  const items: SExpr[] = [];
  let i = pos + 1;
  for (;;) {
    if (i >= tokens.length) throw new WastSyntaxError('unclosed "("', open.line);
    const t = tokens[i];
    if (t.kind === 'rparen') {
      i++;
      const first = items[0];
      const isAnnotation = first?.kind === 'atom' && first.text.startsWith('@') && first.text.length > 1;
      if (isAnnotation) return [null, i];
      return [{ kind: 'list', items, start: open.start, end: t.end, line: open.line }, i];
    }
    if (t.kind === 'lparen') {
      const [child, next] = parseList(tokens, i);
      if (child) items.push(child);
      i = next;
      continue;
    }
    items.push(t.kind === 'atom'
      ? { kind: 'atom', text: t.text, start: t.start, end: t.end, line: t.line }
      : { kind: 'string', bytes: t.bytes, start: t.start, end: t.end, line: t.line });
    i++;
  }
}

/** The keyword at the head of a list, or '' when the list does not start with an atom. */
export function head(list: SList): string {
  const first = list.items[0];
  return first?.kind === 'atom' ? first.text : '';
}
