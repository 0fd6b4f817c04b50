/**
 * Rules on benchmark values: keys against the function's parameters, empty datasets, the SDK's last-item-only bug,
 * and values its serializer cannot send.
 */
import type { PyValue, RemoteFunction } from '../model';
import { requiredParams } from './fixes';
import { problem } from './problems';
import type { LineIndex } from './text';
import type { Problem } from './types';
import { unserializableParts } from './values';

/** Every benchmark rule for one `@remote` function. */
export function checkBenchmarkValues(fn: RemoteFunction, lines: LineIndex, out: Problem[]): void {
    const b = fn.benchmark;
    if (!b) return;
    const v = b.arg.value;
    if (b.kind === 'dataset') {
        if (v.kind !== 'list' && v.kind !== 'tuple') return;
        if (v.items.length === 0) {
            out.push(
                problem(
                    'empty-benchmark-dataset',
                    `benchmark_dataset of \`${fn.name}\` is empty, so the benchmark has nothing to send. Add at least ` +
                        'one dict of keyword arguments.',
                    v.range,
                ),
            );
            return;
        }
        if (v.items.length > 1) {
            out.push(
                problem(
                    'benchmark-dataset-last-item-only',
                    `benchmark_dataset has ${v.items.length} items, but the current SDK builds the benchmark with a ` +
                        'dict comprehension, so only the last item is used.',
                    v.range,
                ),
            );
        }
        for (const item of v.items) checkItem(fn, item, 'item of benchmark_dataset', out);
        return;
    }
    if (v.kind !== 'lambda') return;
    // The model keeps lambda parameter names only; defaults are read from the `lambda ...:` header text.
    const header = lines.slice(v.range).split(':')[0] ?? '';
    const required = v.params.filter(
        (p) =>
            !p.startsWith('*') && !new RegExp(`(^|[\\s,(])${escapeRegExp(p)}\\s*=`).test(header.replace(/^lambda/, '')),
    );
    if (required.length > 0) {
        out.push(
            problem(
                'benchmark-args-mismatch',
                `benchmark_generator is called with no arguments, but this lambda requires ${required.join(', ')}. ` +
                    'Write `lambda: {...}`.',
                v.range,
            ),
        );
    }
    checkItem(fn, v.body, 'value returned by benchmark_generator', out);
}

/** One benchmark call's keyword arguments (a dict literal) against the function's parameters. */
function checkItem(fn: RemoteFunction, item: PyValue, what: string, out: Problem[]): void {
    if (item.kind === 'dynamic') return;
    if (item.kind !== 'dict') {
        out.push(
            problem(
                'benchmark-args-mismatch',
                `Each ${what} must be a dict of keyword arguments for \`${fn.name}\`, not ${item.kind}.`,
                item.range,
            ),
        );
        return;
    }
    const acceptsAny = fn.params.some((p) => p.kind === 'varKwargs');
    const given = new Set<string>();
    let complete = true;
    for (const { key, value } of item.entries) {
        for (const bad of unserializableParts(value)) {
            out.push(
                problem('unserializable-argument', `This benchmark value cannot be sent: ${bad.why}.`, bad.value.range),
            );
        }
        if (key.kind !== 'str') {
            if (key.kind === 'dynamic') complete = false;
            else {
                out.push(
                    problem(
                        'benchmark-args-mismatch',
                        `Benchmark keys are parameter names of \`${fn.name}\` and must be strings.`,
                        key.range,
                    ),
                );
            }
            continue;
        }
        given.add(key.value);
        const param = fn.params.find((p) => p.name === key.value && p.kind !== 'varArgs' && p.kind !== 'varKwargs');
        if (param?.kind === 'positionalOnly') {
            out.push(
                problem(
                    'benchmark-args-mismatch',
                    `\`${key.value}\` is positional-only in \`${fn.name}\`, but the SDK passes every argument by ` +
                        'keyword. Remove the `/` from the signature.',
                    key.range,
                ),
            );
        } else if (!param && !acceptsAny) {
            const names = fn.params.filter((p) => p.kind !== 'varArgs').map((p) => p.name);
            out.push(
                problem(
                    'benchmark-args-mismatch',
                    `\`${key.value}\` is not a parameter of \`${fn.name}\`` +
                        (names.length ? ` (it takes ${names.join(', ')}).` : ' (it takes no parameters).'),
                    key.range,
                ),
            );
        }
    }
    if (!complete) return;
    const missing = requiredParams(fn.params).filter((p) => !given.has(p.name));
    if (missing.length > 0) {
        out.push(
            problem(
                'benchmark-args-mismatch',
                `This ${what} does not give ${missing.map((p) => `\`${p.name}\``).join(', ')}, which \`${fn.name}\` ` +
                    'requires; the benchmark call would fail with a TypeError.',
                item.range,
            ),
        );
    }
}

function escapeRegExp(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
