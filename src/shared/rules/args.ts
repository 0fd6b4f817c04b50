/** `unknown-argument`, `invalid-argument-type` and `dynamic-value` for one SDK call. */
import type { CallArg, MethodCall, PyValue } from '../model';
import { namedEscapeReason } from '../packaging/evaluate';
import { removeArgsEdits } from './edits';
import { problem } from './problems';
import type { SdkCall, ValueType } from './sdk';
import type { LineIndex } from './text';
import type { Fix, Problem, TextEdit } from './types';
import { dynamicParts, kindName, typeMatches, typesName } from './values';

/** True for `*x` / `**x` arguments: they can fill anything, so arity checks stop. */
function isSplat(a: CallArg): boolean {
    return a.name === undefined && a.value.kind === 'dynamic' && a.value.text.startsWith('*');
}

/** Options for {@link checkCall}. */
export interface CheckCallOptions {
    /** Replaces the generic "too many positional arguments" message (the Deployment case). */
    positionalMessage?: string;
    /** A better fix than removal for a positional argument (the Deployment case). */
    positionalFix?: (arg: CallArg) => { title: string; edits: TextEdit[] } | undefined;
}

/** Checks `call` against `spec`; problems are appended to `out`. */
export function checkCall(
    call: MethodCall,
    spec: SdkCall,
    lines: LineIndex,
    out: Problem[],
    opts: CheckCallOptions = {},
): void {
    const positionalParams = spec.params.filter((p) => p.positional);
    const given = new Set<string>();
    const splat = call.args.some(isSplat);
    let index = 0;
    const literalSplat = spec.literalArgs || spec.params.some((p) => p.literal);
    for (const arg of call.args) {
        if (isSplat(arg)) {
            if (literalSplat) reportDynamic(arg.value, `arguments of ${spec.label}`, out);
            continue;
        }
        if (arg.name === undefined) {
            const param = positionalParams[index++];
            if (param) {
                given.add(param.name);
                checkValue(arg.value, param.types, param.literal ?? false, `\`${param.name}\` of ${spec.label}`, out);
            } else if (spec.varArgs) {
                const what = `an argument of ${spec.label}`;
                checkValue(arg.value, spec.varArgs, spec.literalArgs ?? false, what, out, spec.varArgsConsequence);
            } else {
                const msg =
                    opts.positionalMessage ??
                    `${spec.label} takes ${positionalParams.length} positional argument(s); Python raises TypeError ` +
                        'here. Remove this argument or pass it by keyword.';
                const better = opts.positionalFix?.(arg);
                const fixes: Fix[] = [removeFix(call, arg, lines)];
                if (better) fixes.unshift({ ...better, kind: 'quickfix', isPreferred: true });
                out.push(problem('unknown-argument', msg, arg.range, { fixes }));
            }
            continue;
        }
        const param = spec.params.find((p) => p.name === arg.name);
        if (param?.rejected) {
            const msg = `\`${arg.name}\` ${param.rejected}.`;
            out.push(
                problem('unknown-argument', msg, arg.nameRange ?? arg.range, { fixes: [removeFix(call, arg, lines)] }),
            );
            continue;
        }
        if (param) {
            given.add(param.name);
            checkValue(arg.value, param.types, param.literal ?? false, `${param.name}=`, out);
        } else if (spec.varKwargs) {
            checkValue(arg.value, spec.varKwargs, spec.literalArgs ?? false, `${arg.name}=`, out);
        } else if (spec.swallowsKwargs) {
            const hint = closest(
                arg.name,
                spec.params.filter((p) => !p.rejected).map((p) => p.name),
            );
            const msg =
                `${spec.label} has no parameter \`${arg.name}\`: the SDK accepts it in **kwargs and ignores it ` +
                `without a word${hint ? `. Did you mean \`${hint}\`?` : '.'}`;
            const fixes: Fix[] = [removeFix(call, arg, lines)];
            if (hint && arg.nameRange) {
                fixes.unshift({
                    title: `Rename to \`${hint}\``,
                    kind: 'quickfix',
                    isPreferred: true,
                    edits: [{ range: arg.nameRange, newText: hint }],
                });
            }
            out.push(problem('ignored-keyword', msg, arg.nameRange ?? arg.range, { fixes }));
        } else {
            const known = spec.params.filter((p) => !p.rejected).map((p) => p.name);
            const hint = closest(arg.name, known);
            const msg =
                `${spec.label} does not accept \`${arg.name}\`` +
                (hint ? `; did you mean \`${hint}\`?` : known.length ? `; it accepts ${known.join(', ')}.` : '.');
            out.push(
                problem('unknown-argument', msg, arg.nameRange ?? arg.range, { fixes: [removeFix(call, arg, lines)] }),
            );
        }
    }
    if (splat) return;
    for (const p of spec.params) {
        if (p.required && !given.has(p.name)) {
            out.push(
                problem(
                    'invalid-argument-type',
                    `${spec.label} needs \`${p.name}\` (${typesName(p.types)}); Python raises TypeError without it.`,
                    call.methodRange,
                ),
            );
        }
    }
}

function removeFix(call: MethodCall, arg: CallArg, lines: LineIndex): Fix {
    return {
        // Never quote a positional value: it may be an API key passed as Deployment's first argument.
        title: arg.name ? `Remove \`${arg.name}\`` : 'Remove this argument',
        kind: 'quickfix',
        edits: removeArgsEdits(call, [arg], lines),
    };
}

/** Type check plus `dynamic-value` for values Deploy must read. */
export function checkValue(
    v: PyValue,
    types: readonly ValueType[],
    literal: boolean,
    what: string,
    out: Problem[],
    consequence?: (v: PyValue) => string,
) {
    if (!typeMatches(v, types)) {
        const why = consequence ? `: ${consequence(v)}` : '.';
        out.push(
            problem('invalid-argument-type', `${what} must be ${typesName(types)}, not ${kindName(v)}${why}`, v.range),
        );
    }
    if (literal) reportDynamic(v, what, out);
}

/** `dynamic-value` on every part of `v` that cannot be read statically. */
export function reportDynamic(v: PyValue, what: string, out: Problem[]): void {
    // Empty text is a value not typed yet (`storage=` mid-edit): a syntax error, not a dynamic value.
    for (const d of dynamicParts(v).filter((x) => x.text.trim() !== '')) {
        const named = namedEscapeReason(d.text);
        const message = named
            ? `\`${shorten(d.text)}\` (${what}) cannot be read in the editor: ${named}.`
            : ENV_READ.test(d.text)
              ? `\`${shorten(d.text)}\` (${what}) is read from the environment when deploying, as the SDK reads it: ` +
                "Deploy uses the extension host's environment plus the vastDeployments.envFile file, the CLI its " +
                "shell's; Deploy's plan lists the value."
              : `\`${shorten(d.text)}\` (${what}) cannot be read without running the file; the editor's Deploy needs ` +
                'a literal here.';
        out.push(problem('dynamic-value', message, d.range));
    }
}

/** `os.environ[...]`, `os.environ.get(...)`, `os.getenv(...)` (or `environ`/`getenv` imported from os). */
const ENV_READ = /^(os\s*\.\s*)?(environ\s*(\[|\.\s*get\s*\()|getenv\s*\()/;

function shorten(s: string): string {
    return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** The known name closest to `name` (edit distance <= 2, or a shared prefix), for "did you mean". */
export function closest(name: string, known: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestD = 3;
    for (const k of known) {
        const d = distance(name, k);
        if (d < bestD) {
            bestD = d;
            best = k;
        }
    }
    return best;
}

function distance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let prev = row[0] as number;
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const cur = row[j] as number;
            row[j] = Math.min(cur + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
            prev = cur;
        }
    }
    return row[b.length] as number;
}
