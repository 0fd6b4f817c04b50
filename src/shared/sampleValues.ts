/**
 * A sample value per parameter annotation, as Python source: what a benchmark dataset (templates, the
 * missing-benchmark quick fix) starts from. str → "hello", int → 1, list[str] → ["hello"], ... Every value is one
 * the SDK's serializer can send (it refuses bool, and has no form for sets).
 */
export function sampleFor(annotation: string | undefined): string {
    const a = (annotation ?? '').replace(/\s+/g, '').replace(/^typing\./, '');
    const inner = /^(?:list|List|Sequence|Iterable|tuple|Tuple|set|Set|frozenset|FrozenSet)\[(.+)\]$/.exec(a);
    if (inner) return `[${sampleFor(firstArgument(inner[1] as string))}]`;
    const opt = /^(?:Optional)\[(.+)\]$/.exec(a) ?? /^(.+)\|None$/.exec(a) ?? /^None\|(.+)$/.exec(a);
    if (opt) return sampleFor(opt[1]);
    const literal = /^Literal\[(.+)\]$/.exec(a);
    if (literal) return firstArgument(literal[1] as string);
    switch (a) {
        case 'str':
            return '"hello"';
        case 'int':
            return '1';
        case 'float':
            return '1.0';
        case 'bool':
            // The SDK's serializer raises TypeError on a bool; 1 is truthy where the function tests it.
            return '1';
        case 'bytes':
            return 'b"hello"';
        case 'dict':
        case 'Dict':
        case 'Mapping':
            return '{}';
        case 'list':
        case 'List':
        case 'tuple':
        case 'Tuple':
            return '[]';
        default:
            if (/^(?:dict|Dict|Mapping)\[/.test(a)) return '{}';
            return '"hello"';
    }
}

/** The first comma-separated item at bracket depth 0 (`dict[str,int],str` -> `dict[str,int]`). */
function firstArgument(list: string): string {
    let depth = 0;
    for (let i = 0; i < list.length; i++) {
        const c = list[i];
        if (c === '[' || c === '(') depth++;
        else if (c === ']' || c === ')') depth--;
        else if (c === ',' && depth === 0) return list.slice(0, i);
    }
    return list;
}

/** One benchmark row for the parameters `[name, annotation]`: `{"text": "hello", "n": 1}`. */
export function sampleRow(params: readonly (readonly [string, string | undefined])[]): string {
    return `{${params.map(([n, a]) => `"${n}": ${sampleFor(a)}`).join(', ')}}`;
}

/**
 * The same row as a snippet: each value a tab stop with the sample selected (`{"text": ${1:"hello"}}`), so the
 * user types over the samples one by one.
 */
export function sampleRowSnippet(params: readonly (readonly [string, string | undefined])[]): string {
    const items = params.map(([n, a], i) => `"${escapeSnippet(n)}": \${${i + 1}:${escapeSnippet(sampleFor(a))}}`);
    return `{${items.join(', ')}\\}`;
}

/** Text made literal inside a snippet (`$`, `}` and `\` escaped). */
export function escapeSnippet(text: string): string {
    return text.replace(/[$}\\]/g, '\\$&');
}
