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
import { pyFloatRepr } from '../packaging/pyFormat';

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
    checkStorage(image, out);
    checkPorts(image, out);
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
        if (call.method === 'run_cmd' && call.args.length === 0) {
            out.push(
                problem(
                    'invalid-argument-type',
                    'image.run_cmd() has no command: the SDK sends an empty list, and the worker runs it with ' +
                        'subprocess.run([]), which raises IndexError, so its setup fails before it serves.',
                    call.methodRange,
                ),
            );
        }
        if (call.method === 'require') {
            checkRequire(call, seen, out);
            checkUnboundNames(call, analysis, lines, out, from);
        }
        // Copy sources are read when the winning image is packaged, never for a replaced one.
        if (call.method === 'copy' && !options.replaced) checkCopy(call, ctx, out);
    }
}

/** The value of the keyword `name`, else of the `index`-th positional argument. */
function argValue(call: MethodCall, name: string, index: number): PyValue | undefined {
    return (call.args.find((a) => a.name === name) ?? call.args.filter((a) => a.name === undefined)[index])?.value;
}

/** `storage=16.5`: sent as is (`Image` and `DeploymentConfig` carry a float); what Vast makes of it is not known. */
function checkStorage(image: ImageModel, out: Problem[]): void {
    const v = argValue(image.call, 'storage', 1);
    if (v?.kind !== 'float' || !Number.isFinite(v.value) || Number.isInteger(v.value)) return;
    const text = pyFloatRepr(v.value);
    out.push(
        problem(
            'fractional-storage',
            `storage=${text} GB is sent as ${text}, as the SDK sends it (its image() annotates an int, its ` +
                'DeploymentConfig a float). Whether Vast allocates a fraction of a GB or rounds it is not known ' +
                '(inferred); a whole number of GB leaves no doubt.',
            v.range,
        ),
    );
}

/**
 * A float port that reaches the worker's docker options: the SDK prints it with str() (`-p 8000.0:8000.0/tcp`),
 * which is not a port number. One equal to a port already published (8000.0 == 8000) is dropped by the SDK's set.
 */
function checkPorts(image: ImageModel, out: Problem[]): void {
    const published: { value: number; type: string | undefined }[] = [];
    const publish = (n: PyValue | undefined, t: PyValue | undefined) => {
        if (n?.kind !== 'int' && n?.kind !== 'float') return;
        const type = t === undefined ? 'tcp' : strValue(t);
        if (type !== undefined && published.some((p) => p.value === n.value && p.type === type)) return;
        published.push({ value: n.value, type });
        if (n.kind !== 'float') return;
        const text = pyFloatRepr(n.value);
        const whole = Number.isInteger(n.value) && n.value >= 0 ? String(n.value) : undefined;
        out.push(
            problem(
                'invalid-argument-type',
                `The port ${text} reaches the worker's docker options as \`-p ${text}:${text}/${type ?? 'TYPE'}\` ` +
                    "(the SDK writes it with str()): Docker takes only whole port numbers, so the worker's container " +
                    `would not start (inferred: how Vast hands the options to Docker is not public). ` +
                    (whole ? `Write ${whole}.` : 'Use a whole port number.'),
                n.range,
                whole
                    ? {
                          fixes: [
                              {
                                  title: `Use ${whole}`,
                                  kind: 'quickfix',
                                  isPreferred: true,
                                  edits: [{ range: n.range, newText: whole }],
                              },
                          ],
                      }
                    : {},
            ),
        );
    };
    const workerPort = argValue(image.call, 'worker_port', -1);
    if (workerPort?.kind === 'tuple' && workerPort.items.length === 2) {
        publish(workerPort.items[0], workerPort.items[1]);
    } else if (workerPort === undefined) {
        publish({ kind: 'int', value: 3000, range: image.call.range }, undefined);
    }
    for (const call of image.calls) {
        if (call.method === 'publish_port') publish(argValue(call, 'number', 0), argValue(call, 'type_', 1));
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
