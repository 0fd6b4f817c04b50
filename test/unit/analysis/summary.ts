/**
 * Compact, Python-like renderings of the analysis model, so test tables stay readable: `1000` is an int, `1000.0` a
 * float, `'x'` a str, `gpu_ram >= 24000` a query term, `<dyn f(x)>` a dynamic value.
 */
import type { CallArg, DeploymentModel, MethodCall, PyValue } from '../../../src/shared/model';

/** A PyValue as Python would print it (close enough for tests; ints and floats stay distinguishable). */
export function repr(v: PyValue): string {
    switch (v.kind) {
        case 'str':
            return `'${v.value}'`;
        case 'int':
            return String(v.value);
        case 'float':
            return Number.isInteger(v.value) ? `${v.value}.0` : String(v.value);
        case 'bool':
            return v.value ? 'True' : 'False';
        case 'none':
            return 'None';
        case 'list':
            return `[${v.items.map(repr).join(', ')}]`;
        case 'tuple':
            return v.items.length === 1 ? `(${repr(v.items[0]!)},)` : `(${v.items.map(repr).join(', ')})`;
        case 'set':
            return `{${v.items.map(repr).join(', ')}}`;
        case 'dict':
            return `{${v.entries.map((e) => `${repr(e.key)}: ${repr(e.value)}`).join(', ')}}`;
        case 'query':
            return v.terms
                .map(
                    (t) =>
                        `${t.column}${t.serverColumn !== t.column ? `(${t.serverColumn})` : ''} ${t.op} ${repr(t.value)}`,
                )
                .join(' & ');
        case 'lambda':
            return `lambda ${v.params.join(', ')}: ${repr(v.body)}`;
        case 'dynamic':
            return `<dyn ${v.text}>`;
    }
}

export function argRepr(a: CallArg): string {
    return a.name === undefined ? repr(a.value) : `${a.name}=${repr(a.value)}`;
}

export function callRepr(c: MethodCall): string {
    return `${c.method}(${c.args.map(argRepr).join(', ')})`;
}

/** The facts of a deployment the tests compare. */
export interface DeploymentSummary {
    variable: string;
    name?: string;
    tag?: string;
    call: string;
    remotes: string[];
    benchmarks: string[];
    contexts: string[];
    contextUses: string[];
    image?: string;
    imageVariable?: string;
    imageCalls: string[];
    autoscaling: string[];
    ensureReady: number;
    other: string[];
}

export function summarize(d: DeploymentModel): DeploymentSummary {
    const s: DeploymentSummary = {
        variable: d.variable,
        call: callRepr(d.call),
        remotes: d.remotes.map(
            (r) =>
                `${r.isAsync ? 'async ' : ''}${r.name}(${r.params
                    .map(
                        (p) => `${p.name}:${p.kind}${p.hasDefault ? '=' : ''}${p.annotation ? ':' + p.annotation : ''}`,
                    )
                    .join(', ')})`,
        ),
        benchmarks: d.remotes.flatMap((r) =>
            r.benchmark ? [`${r.name}:${r.benchmark.kind}=${repr(r.benchmark.arg.value)}`] : [],
        ),
        contexts: d.contexts.map(
            (c) => `${c.isClass ? 'class' : 'def'} ${c.name}(${c.bases.join(', ')}) [${c.methods.join(', ')}]`,
        ),
        contextUses: d.contextUses.map((u) => u.target ?? '?'),
        imageCalls: d.image?.calls.map(callRepr) ?? [],
        autoscaling: d.autoscalingCalls.map(callRepr),
        ensureReady: d.ensureReadyCalls.length,
        other: d.otherCalls.map(callRepr),
    };
    if (d.name) s.name = repr(d.name);
    if (d.tag) s.tag = repr(d.tag);
    if (d.image) s.image = callRepr(d.image.call);
    if (d.image?.variable) s.imageVariable = d.image.variable;
    return s;
}
