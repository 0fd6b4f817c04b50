/**
 * A sample value per parameter annotation, as Python source: what a benchmark dataset (templates, the
 * missing-benchmark quick fix) starts from. str → "hello", int → 1, list[str] → ["hello"], ...
 */
export function sampleFor(annotation: string | undefined): string {
    const a = (annotation ?? '').replace(/\s+/g, '').replace(/^typing\./, '');
    const inner = /^(?:list|List|Sequence|Iterable|tuple|Tuple|set|Set)\[(.+)\]$/.exec(a);
    if (inner) return `[${sampleFor(inner[1]!.split(',')[0])}]`;
    const opt = /^(?:Optional)\[(.+)\]$/.exec(a) ?? /^(.+)\|None$/.exec(a);
    if (opt) return sampleFor(opt[1]);
    switch (a) {
        case 'str':
            return '"hello"';
        case 'int':
            return '1';
        case 'float':
            return '1.0';
        case 'bool':
            return 'True';
        case 'bytes':
            return 'b"hello"';
        case 'dict':
        case 'Dict':
            return '{}';
        case 'list':
        case 'List':
            return '[]';
        default:
            if (/^(?:dict|Dict)\[/.test(a)) return '{}';
            return '"hello"';
    }
}

/** One benchmark row for the parameters `[name, annotation]`: `{"text": "hello", "n": 1}`. */
export function sampleRow(params: readonly (readonly [string, string | undefined])[]): string {
    return `{${params.map(([n, a]) => `"${n}": ${sampleFor(a)}`).join(', ')}}`;
}
