/**
 * Reading calls tree-sitter could not parse. Mid-edit, `other = Deployment(name="x", tag=` leaves a flat run of
 * tokens inside an ERROR node instead of a `call`; the editor should still see that deployment and its arguments.
 * This walks the tokens after the callee: `(`, arguments separated by commas, up to `)` or the next statement.
 */
import type { Node } from 'web-tree-sitter';
import type { CallArg, MethodCall, Range } from '../model';
import { parentOf, rangeOf, type SourceIndex } from './nodes';
import { dynamic, evaluate, type EvalContext } from './values';

function isSpace(c: string | undefined): boolean {
    return c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\\';
}

/** The largest node starting at `offset` that is not an error or a statement container. */
function nodeStartingAt(index: SourceIndex, offset: number): Node | null {
    let node = index.nodeAt(offset, offset + 1);
    if (!node || node.startIndex !== offset) return null;
    for (let up = parentOf(node); up && up.startIndex === offset; up = parentOf(up)) {
        if (up.type === 'ERROR' || up.type === 'module' || up.type === 'block' || up.type.endsWith('statement')) break;
        node = up;
    }
    return node;
}

function argOf(group: Node[], ctx: EvalContext): CallArg | undefined {
    const first = group[0];
    const last = group[group.length - 1];
    if (!first || !last) return undefined;
    const range: Range = { start: rangeOf(first).start, end: rangeOf(last).end };
    if (group.length === 1 && first.type === 'keyword_argument') {
        const name = first.childForFieldName('name');
        const value = first.childForFieldName('value');
        if (!name) return undefined;
        return {
            name: name.text,
            nameRange: rangeOf(name),
            value: value ? evaluate(value, ctx) : dynamic(first),
            range,
        };
    }
    if (first.type === 'identifier' && group[1]?.type === '=') {
        const value = group[2];
        const at = rangeOf(group[1]).end;
        return {
            name: first.text,
            nameRange: rangeOf(first),
            // `tag=` with nothing typed yet: an empty dynamic value right after the `=`.
            value:
                value && group.length === 3
                    ? evaluate(value, ctx)
                    : { kind: 'dynamic', text: '', range: { start: at, end: at } },
            range,
        };
    }
    if (group.length === 1 && first.type !== 'list_splat' && first.type !== 'dictionary_splat') {
        return { value: evaluate(first, ctx), range };
    }
    return { value: { kind: 'dynamic', text: group.map((n) => n.text).join(' '), range }, range };
}

/**
 * The call `callee(...)` when tree-sitter left it unparsed. `name` is the method name node (`image` in
 * `app.image`, or the callee itself). Undefined when no `(` follows the callee.
 */
export function brokenCall(
    index: SourceIndex,
    callee: Node,
    name: Node,
    ctx: EvalContext,
): { call: MethodCall; endIndex: number } | undefined {
    const { text } = index;
    let p = callee.endIndex;
    while (isSpace(text[p])) p++;
    if (text[p] !== '(') return undefined;
    const open = nodeStartingAt(index, p);
    if (!open || open.type !== '(') return undefined;
    const lineStart = text.lastIndexOf('\n', callee.startIndex - 1) + 1;
    let indent = 0;
    while (text[lineStart + indent] === ' ' || text[lineStart + indent] === '\t') indent++;
    const startRow = callee.startPosition.row;
    const args: CallArg[] = [];
    let group: Node[] = [];
    let end = open;
    const flush = (): void => {
        const arg = argOf(group, ctx);
        if (arg) args.push(arg);
        group = [];
    };
    for (p = open.endIndex; p < text.length;) {
        while (isSpace(text[p])) p++;
        if (text[p] === '#') {
            const nl = text.indexOf('\n', p);
            p = nl < 0 ? text.length : nl;
            continue;
        }
        const node = p < text.length ? nodeStartingAt(index, p) : null;
        if (!node || node.endIndex <= p) break;
        const pos = node.startPosition;
        if (pos.row > startRow && pos.column <= indent) break; // the next statement
        end = node;
        p = node.endIndex;
        if (node.type === ')') break;
        if (node.type === ',') flush();
        else group.push(node);
    }
    flush();
    const range: Range = { start: rangeOf(callee).start, end: rangeOf(end).end };
    const call: MethodCall = {
        method: name.text,
        args,
        range,
        methodRange: rangeOf(name),
        argsRange: { start: rangeOf(open).start, end: rangeOf(end).end },
    };
    return { call, endIndex: end.endIndex };
}

/** `x = <node>` read from the text before a node, for statements tree-sitter could not parse. */
export function brokenAssignment(index: SourceIndex, node: Node): { variable: string; start: number } | undefined {
    const { text } = index;
    let p = node.startIndex - 1;
    while (p >= 0 && (text[p] === ' ' || text[p] === '\t')) p--;
    if (text[p] !== '=' || '=!<>'.includes(text[p - 1] ?? '')) return undefined;
    p--;
    while (p >= 0 && (text[p] === ' ' || text[p] === '\t')) p--;
    const end = p + 1;
    while (p >= 0 && /[\w\u0080-\uffff]/.test(text[p] ?? '')) p--;
    const start = p + 1;
    const id = start < end ? index.nodeAt(start, end) : null;
    return id?.type === 'identifier' && id.startIndex === start && id.endIndex === end
        ? { variable: id.text, start }
        : undefined;
}
