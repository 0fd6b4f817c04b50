/** Recognising a query column in an expression: `gpu_ram`, `q.gpu_ram`, `Column("gpu_ram")`. */
import type { Node } from 'web-tree-sitter';
import type { PyValue } from '../model';
import { GPU_NAMES, serverColumn } from '../vocabulary';
import { QUERY_MODULE, type Bindings } from './imports';
import { namedChildren } from './nodes';

/** Names in the query module that are not columns. */
const NOT_COLUMNS = new Set(['Column', 'Query', 'OP_TO_STR', 'Any', 'Optional']);

/** The column an expression denotes, or undefined. `evaluate` reads `Column(...)`'s argument. */
export function queryColumnOf(
    node: Node,
    bindings: Bindings,
    evaluate: (n: Node) => PyValue,
): { column: string; serverColumn: string } | undefined {
    if (node.type === 'parenthesized_expression') {
        const inner = namedChildren(node)[0];
        return inner ? queryColumnOf(inner, bindings, evaluate) : undefined;
    }
    if (node.type === 'identifier' || node.type === 'attribute') {
        const qualified = bindings.qualify(node);
        if (!qualified?.startsWith(QUERY_MODULE + '.')) return undefined;
        const name = qualified.slice(QUERY_MODULE.length + 1);
        if (name.includes('.') || NOT_COLUMNS.has(name) || name in GPU_NAMES) return undefined;
        return { column: name, serverColumn: serverColumn(name) ?? name };
    }
    if (node.type === 'call') {
        const fn = node.childForFieldName('function');
        const args = node.childForFieldName('arguments');
        const callee = fn ? bindings.qualify(fn) : undefined;
        // `Column` is defined in vastai.data.query and re-exported by vastai.data.
        if (!fn || !args || (callee !== `${QUERY_MODULE}.Column` && callee !== 'vastai.data.Column')) return undefined;
        const list = namedChildren(args);
        const arg = list[0];
        if (list.length !== 1 || !arg) return undefined;
        const value = evaluate(arg);
        return value.kind === 'str' ? { column: value.value, serverColumn: value.value } : undefined;
    }
    return undefined;
}
