/** Quick fixes that insert code: an autoscaling or image call, `async`, a name, context methods (benchmark: benchmarkFix.ts). */
import type { ContextClass, DeploymentModel, Param, RemoteFunction } from '../model';
import { insertArgEdit, removeArgsEdits } from './edits';
import { type LineIndex, at } from './text';
import type { Fix, TextEdit } from './types';

/** Parameters a benchmark item must give: named, without a default. */
export function requiredParams(params: readonly Param[]): Param[] {
    return params.filter((p) => !p.hasDefault && p.kind !== 'varArgs' && p.kind !== 'varKwargs');
}

/** Fix for `multiple-benchmarks`: remove the benchmark arguments of `fn`'s decorator. */
export function removeBenchmarkFix(fn: RemoteFunction, lines: LineIndex): Fix {
    const args = fn.decorator.args.filter(
        (a) => (a.name === 'benchmark_dataset' || a.name === 'benchmark_generator') && a.value.kind !== 'none',
    );
    return {
        title: `Remove the benchmark from \`${fn.name}\``,
        kind: 'quickfix',
        isPreferred: true,
        edits: removeArgsEdits(fn.decorator, args, lines),
    };
}

/** Fix for `remote-not-async`. */
export function addAsyncFix(fn: RemoteFunction): Fix {
    return {
        title: `Make \`${fn.name}\` async`,
        kind: 'quickfix',
        isPreferred: true,
        edits: [{ range: at(fn.defRange.start), newText: 'async ' }],
    };
}

/**
 * Where a new module-level line for `dep` goes: before the first `ensure_ready()` if there is one, else after the
 * statement of `after` (the image statement, or the deployment's own).
 */
function insertLine(dep: DeploymentModel, code: string, lines: LineIndex, afterImage: boolean): TextEdit {
    const ensure = dep.ensureReadyCalls[0];
    if (ensure) {
        const line = ensure.range.start.line;
        return { range: at({ line, character: 0 }), newText: `${lines.indentOf(line)}${code}${lines.eol}` };
    }
    let startLine = dep.range.start.line;
    let atLeast = lines.offsetAt(dep.range.end);
    if (afterImage && dep.image) {
        const last = [dep.image.call, ...dep.image.calls].reduce((a, b) =>
            lines.offsetAt(b.range.end) > lines.offsetAt(a.range.end) ? b : a,
        );
        startLine = last.range.start.line;
        atLeast = lines.offsetAt(last.range.end);
    }
    const from = lines.offsetAt({ line: startLine, character: 0 });
    const end = lines.statementEnd(from, atLeast);
    const indent = lines.indentOf(dep.range.start.line);
    const needsEol = end === lines.text.length && !lines.text.endsWith('\n');
    return {
        range: at(lines.positionAt(end)),
        newText: `${needsEol ? lines.eol : ''}${indent}${code}${lines.eol}`,
    };
}

/** Fix for `missing-autoscaling`. */
export function addAutoscalingFix(dep: DeploymentModel, lines: LineIndex): Fix {
    return {
        title: `Add ${dep.variable}.configure_autoscaling()`,
        kind: 'quickfix',
        isPreferred: true,
        edits: [insertLine(dep, `${dep.variable}.configure_autoscaling()`, lines, true)],
    };
}

/** Fix for `missing-image`: the Vast base image, as the SDK's examples use it. */
export function addImageFix(dep: DeploymentModel, lines: LineIndex): Fix {
    const code = `${dep.variable}.image("vastai/base-image:@vastai-automatic-tag", storage=16)`;
    return { title: `Add ${code}`, kind: 'quickfix', isPreferred: true, edits: [insertLine(dep, code, lines, false)] };
}

/** Fix for `unnamed-deployment`: name it after the file. */
export function addNameFix(dep: DeploymentModel, filePath: string, lines: LineIndex): Fix {
    const stem = (filePath.split(/[\\/]/).pop() ?? '').replace(/\.pyi?$/, '');
    const name =
        stem
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, '-')
            .replace(/^-+|-+$/g, '') || 'my-deployment';
    const existing = dep.call.args.find((a) => a.name === 'name');
    const edit: TextEdit = existing
        ? { range: existing.value.range, newText: JSON.stringify(name) }
        : insertArgEdit(dep.call, `name=${JSON.stringify(name)}`, lines);
    return { title: `Name the deployment "${name}"`, kind: 'quickfix', isPreferred: true, edits: [edit] };
}

/** Fix for `context-not-async-context-manager` on a class: the missing methods, appended to its body. */
export function addContextMethodsFix(c: ContextClass, missing: readonly string[], lines: LineIndex): Fix {
    const classLine = c.nameRange.start.line;
    const indent = `${lines.indentOf(classLine)}    `;
    const eol = lines.eol;
    const bodies: Record<string, string[]> = {
        __aenter__: ['async def __aenter__(self):', '    return self'],
        __aexit__: ['async def __aexit__(self, *exc):', '    return None'],
    };
    const text = missing
        .flatMap((m) => ['', ...(bodies[m] ?? [])])
        .map((l) => (l ? indent + l : ''))
        .join(eol);
    return {
        title: `Add ${missing.join(' and ')} to \`${c.name}\``,
        kind: 'quickfix',
        isPreferred: true,
        edits: [{ range: at(c.range.end), newText: `${eol}${text}` }],
    };
}
