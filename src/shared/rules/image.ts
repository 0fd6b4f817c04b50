/** Rules on `app.image(...)` and the calls made on it: arguments, require queries, copies. */
import type { FileAnalysis, ImageModel, MethodCall, PyValue, QueryTerm } from '../model';
import { MEGABYTE_COLUMNS, GPU_NAMES, isKnownGpuName } from '../vocabulary';
import { checkCall, closest } from './args';
import { checkUnboundNames } from './names';
import { problem } from './problems';
import { IMAGE_CALL, IMAGE_METHODS } from './sdk';
import { SECRET_SCAN_LIMIT, secretReason } from './secrets';
import type { LineIndex } from './text';
import type { FileRuleContext, Problem } from './types';
import { strValue } from './values';

/** Columns `Query.search_defaults()` sets with `eq`; `require` cannot set them again. */
const DEFAULT_TERMS: Record<string, string> = { 'verified:eq': 'True', 'rentable:eq': 'True', 'rented:eq': 'False' };

/** Every rule on one image. */
export function checkImage(
    image: ImageModel,
    analysis: FileAnalysis,
    ctx: FileRuleContext,
    lines: LineIndex,
    out: Problem[],
    options: { replaced?: boolean } = {},
): void {
    checkCall(image.call, IMAGE_CALL, lines, out);
    const seen = new Map<string, QueryTerm>();
    for (const call of image.calls) {
        const spec = IMAGE_METHODS[call.method];
        if (!spec) {
            out.push(
                problem(
                    'unknown-argument',
                    `Image has no method \`${call.method}\` (Python raises AttributeError)` +
                        unknownMethodHint(call.method),
                    call.methodRange,
                ),
            );
            continue;
        }
        const from = out.length;
        checkCall(call, spec, lines, out);
        if (call.method === 'require') {
            checkRequire(call, seen, out);
            checkUnboundNames(call, analysis, lines, out, from);
        }
        // Copy sources are read when the winning image is packaged, never for a replaced one.
        if (call.method === 'copy' && !options.replaced) checkCopy(call, ctx, out);
    }
}

function unknownMethodHint(method: string): string {
    const names = Object.keys(IMAGE_METHODS);
    const hint = closest(method, names);
    return hint ? `; did you mean \`${hint}\`?` : `. It has ${names.join(', ')}.`;
}

function checkRequire(call: MethodCall, seen: Map<string, QueryTerm>, out: Problem[]): void {
    for (const arg of call.args) {
        if (arg.value.kind !== 'query') continue;
        for (const term of arg.value.terms) {
            const key = `${term.serverColumn}:${term.op}`;
            const msg = `Cannot redefine op(s) {'${term.op}'} for column '${term.serverColumn}'`;
            const fixed = DEFAULT_TERMS[key];
            const earlier = seen.get(key);
            if (fixed !== undefined) {
                out.push(
                    problem(
                        'require-redefines-default',
                        `The SDK always searches with ${term.serverColumn} == ${fixed} and raises ` +
                            `ValueError("${msg}") when require() sets it again. Remove this term.`,
                        term.range,
                    ),
                );
            } else if (earlier) {
                out.push(
                    problem(
                        'require-redefines-default',
                        `${term.column} already has this operator in an earlier require(); the SDK raises ` +
                            `ValueError("${msg}"). Keep one of them.`,
                        term.range,
                        { related: [{ range: earlier.range, message: 'set here first' }] },
                    ),
                );
            } else seen.set(key, term);
            checkTermValue(term, out);
        }
    }
}

const gpuValues = Object.values(GPU_NAMES);

/** A likely intended GPU name: one that extends what was written (`H100` -> `H100 SXM`), else a near spelling. */
function suggestGpu(written: string): string | undefined {
    const w = written.replace(/_/g, ' ').toLowerCase();
    const extending = gpuValues.filter((g) => g.toLowerCase().startsWith(`${w} `)).sort((a, b) => a.length - b.length);
    return (
        extending[0] ?? gpuValues.find((g) => g.toLowerCase() === w) ?? closest(written.replace(/_/g, ' '), gpuValues)
    );
}

function checkTermValue(term: QueryTerm, out: Problem[]): void {
    const v = term.value;
    if (term.serverColumn === 'gpu_name') {
        const names = v.kind === 'list' || v.kind === 'tuple' ? v.items : [v];
        for (const n of names) {
            if (n.kind !== 'str' || isKnownGpuName(n.value)) continue;
            const hint = suggestGpu(n.value);
            out.push(
                problem(
                    'unknown-gpu-name',
                    `"${n.value}" is not a GPU name Vast knows, so no machine would match.` +
                        (hint ? ` Did you mean "${hint}"?` : ' Use a constant from vastai.data.query, e.g. RTX_4090.'),
                    n.range,
                    hint
                        ? {
                              fixes: [
                                  {
                                      title: `Use "${hint}"`,
                                      kind: 'quickfix',
                                      isPreferred: true,
                                      edits: [{ range: n.range, newText: JSON.stringify(hint) }],
                                  },
                              ],
                          }
                        : {},
                ),
            );
        }
        return;
    }
    if (!MEGABYTE_COLUMNS.includes(term.serverColumn)) return;
    if ((v.kind !== 'int' && v.kind !== 'float') || v.value <= 0 || v.value >= 1000) return;
    const mb = formatNumber(v.value * 1000);
    out.push(
        problem(
            'suspicious-units',
            `${term.column} is in megabytes: ${term.column} ${opText(term)} ${v.value} asks for ${v.value} MB. ` +
                `For ${v.value} GB write ${mb}.`,
            v.range,
            {
                fixes: [
                    {
                        title: `Use ${mb} (MB)`,
                        kind: 'quickfix',
                        isPreferred: true,
                        edits: [{ range: v.range, newText: mb }],
                    },
                ],
            },
        ),
    );
}

function formatNumber(n: number): string {
    // Rounded so 0.1 * 1000 prints 100, not 100.00000000000001.
    return String(Math.round(n * 1e6) / 1e6);
}

function opText(term: QueryTerm): string {
    const ops: Record<string, string> = { eq: '==', neq: '!=', lt: '<', lte: '<=', gt: '>', gte: '>=' };
    return ops[term.op] ?? term.op;
}

/** The (src, dst) values of a copy call, positional or keyword. */
function copyArgs(call: MethodCall): { src?: PyValue; dst?: PyValue } {
    const pos = call.args.filter((a) => a.name === undefined);
    return {
        src: call.args.find((a) => a.name === 'src')?.value ?? pos[0]?.value,
        dst: call.args.find((a) => a.name === 'dst')?.value ?? pos[1]?.value,
    };
}

function checkCopy(call: MethodCall, ctx: FileRuleContext, out: Problem[]): void {
    const { src, dst } = copyArgs(call);
    const dstText = strValue(dst);
    if (dst && dstText !== undefined && dstText.split(/[\\/]/).includes('..')) {
        out.push(
            problem(
                'unsafe-copy-destination',
                `"${dstText}" climbs out of the worker's directory with "..": workers unpack the package without ` +
                    'filtering, so this writes outside it. Use a path inside the package or an absolute path.',
                dst.range,
            ),
        );
    }
    const srcText = strValue(src);
    if (!src || srcText === undefined) return;
    const kind = ctx.statPath?.(srcText);
    if (kind === 'missing') {
        out.push(
            problem(
                'copy-source-missing',
                `"${srcText}" does not exist (relative paths start at this file's folder, ` +
                    `${ctx.relDir ? `${ctx.relDir}/` : 'the workspace root'}), so ensure_ready() fails ` +
                    `with FileNotFoundError("Source path does not exist: ${srcText}").`,
                src.range,
            ),
        );
        return;
    }
    const direct = secretReason(srcText);
    if (direct) {
        out.push(problem('secret-in-package', secretMessage(srcText, direct), src.range));
        return;
    }
    if (kind !== 'dir' || !ctx.listFiles) return;
    const found = ctx
        .listFiles(srcText, SECRET_SCAN_LIMIT)
        .slice(0, SECRET_SCAN_LIMIT)
        .filter((f) => secretReason(f) !== undefined);
    if (found.length === 0) return;
    const shown = found.slice(0, 3).join(', ') + (found.length > 3 ? ` and ${found.length - 3} more` : '');
    out.push(problem('secret-in-package', secretMessage(srcText, `a folder holding secrets (${shown})`), src.range));
}

function secretMessage(src: string, why: string): string {
    return (
        `"${src}" is ${why}; it would be uploaded with the package and unpacked on every worker. Pass secrets as ` +
        'environment variables instead, or copy a narrower path.'
    );
}
