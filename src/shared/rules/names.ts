/** `undefined-name`: a name in `require(...)` that nothing binds (Python raises NameError), with its import as the fix. */
import type { FileAnalysis, MethodCall, Range } from '../model';
import { GPU_NAMES, QUERY_COLUMNS } from '../vocabulary';
import { QUERY_MODULE, queryImportEdit } from './importEdit';
import { problem } from './problems';
import type { LineIndex } from './text';
import type { Fix, Problem } from './types';

/** What a name of the query module is, for the message; undefined for names it does not define. */
function queryNameKind(name: string): string | undefined {
    if (Object.prototype.hasOwnProperty.call(GPU_NAMES, name)) return `the GPU constant for "${GPU_NAMES[name]}"`;
    if (Object.prototype.hasOwnProperty.call(QUERY_COLUMNS, name)) return 'a query column';
    return name === 'Column' ? 'the query column class' : undefined;
}

function contains(outer: Range, inner: Range): boolean {
    const le = (a: Range['start'], b: Range['start']) =>
        a.line < b.line || (a.line === b.line && a.character <= b.character);
    return le(outer.start, inner.start) && le(inner.end, outer.end);
}

/**
 * One `undefined-name` per unbound name of `call`. `dynamic-value` findings pushed since `from` that cover such a
 * name are dropped: the name, not the expression, is what is wrong.
 */
export function checkUnboundNames(
    call: MethodCall,
    analysis: FileAnalysis,
    lines: LineIndex,
    out: Problem[],
    from: number,
): void {
    const unbound = call.unboundNames ?? [];
    if (unbound.length === 0) return;
    for (let i = out.length - 1; i >= from; i--) {
        const p = out[i] as Problem;
        if (p.code === 'dynamic-value' && unbound.some((u) => contains(p.range, u.range))) out.splice(i, 1);
    }
    for (const { name, range } of unbound) {
        const kind = queryNameKind(name);
        const edit = kind ? queryImportEdit(analysis, name, lines) : undefined;
        const fixes: Fix[] = edit
            ? [{ title: `Import ${name} from ${QUERY_MODULE}`, kind: 'quickfix', isPreferred: true, edits: [edit] }]
            : [];
        const message = kind
            ? `\`${name}\` is not defined: Python raises NameError here. It is ${kind} in ${QUERY_MODULE}; ` +
              `import it (from ${QUERY_MODULE} import ${name}).`
            : `\`${name}\` is not defined anywhere in this file: Python raises NameError here.`;
        out.push(problem('undefined-name', message, range, { fixes }));
    }
}
