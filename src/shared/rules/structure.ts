/**
 * Rules about a deployment's shape: benchmarks, remotes, image, autoscaling, contexts, ensure_ready order, naming.
 * Messages quote the SDK's own error texts (reference §6) where it has one.
 */
import type { DeploymentModel, MethodCall, PyValue, RemoteFunction } from '../model';
import {
    addAsyncFix,
    addAutoscalingFix,
    addContextMethodsFix,
    addImageFix,
    addNameFix,
    removeBenchmarkFix,
} from './fixes';
import { addBenchmarkFix } from './benchmarkFix';
import { problem } from './problems';
import { type LineIndex, before } from './text';
import type { Problem } from './types';

/** The first `ensure_ready()` that runs in module order (one inside a `def` runs later, so it does not count). */
export function moduleEnsureReady(dep: DeploymentModel, lines: LineIndex): MethodCall | undefined {
    return dep.ensureReadyCalls.find((c) => !lines.insideFunction(c.range.start.line));
}

/** True when `call` runs at module level after `ensure` (so the SDK has not seen it when it deploys). */
function afterEnsure(call: MethodCall, ensure: MethodCall | undefined, lines: LineIndex): boolean {
    return (
        ensure !== undefined &&
        !lines.insideFunction(call.range.start.line) &&
        before(ensure.range.start, call.range.start)
    );
}

/** Benchmark rules: exactly one `@remote` must carry a benchmark (checked by the SDK only on the worker). */
export function checkBenchmarkCount(dep: DeploymentModel, lines: LineIndex, out: Problem[]): void {
    if (dep.remotes.length === 0) return;
    const withBenchmark = dep.remotes.filter((r) => r.benchmark);
    if (withBenchmark.length === 0) {
        out.push(
            problem(
                'missing-benchmark',
                `No @${dep.variable}.remote function has benchmark_dataset or benchmark_generator: every worker would ` +
                    'die at startup with "Missing EndpointHandler with BenchmarkConfig". Add a benchmark to exactly ' +
                    'one function (it measures worker performance for autoscaling).',
                dep.call.methodRange,
                {
                    related: dep.remotes.map((r) => ({
                        range: r.nameRange,
                        message: `@remote function \`${r.name}\``,
                    })),
                    fixes: dep.remotes.map((r, i) => addBenchmarkFix(r, lines, i === 0)),
                },
            ),
        );
        return;
    }
    const [first, ...extra] = withBenchmark as [RemoteFunction, ...RemoteFunction[]];
    for (const fn of extra) {
        const arg = fn.benchmark?.arg;
        if (!arg) continue;
        out.push(
            problem(
                'multiple-benchmarks',
                `Only one @remote function may have a benchmark; \`${first.name}\` already has one. Workers would die ` +
                    'with "Cannot define BenchmarkConfig for more than one EndpointHandler!". Remove this one.',
                arg.nameRange ?? arg.range,
                {
                    related: withBenchmark
                        .filter((o) => o !== fn && o.benchmark)
                        .map((o) => ({
                            range: o.benchmark?.arg.range ?? o.nameRange,
                            message: `\`${o.name}\` also has a benchmark`,
                        })),
                    fixes: [removeBenchmarkFix(fn, lines)],
                },
            ),
        );
    }
}

/** `remote-not-async` for one function (the worker awaits it). */
export function checkRemoteAsync(fn: RemoteFunction, out: Problem[]): void {
    if (fn.isAsync) return;
    out.push(
        problem(
            'remote-not-async',
            `@remote function \`${fn.name}\` must be \`async def\`: the worker awaits it, and a plain function fails ` +
                'every call with a TypeError whose message is lost on the way back. Make it async.',
            fn.nameRange,
            { fixes: [addAsyncFix(fn)] },
        ),
    );
}

/** `no-remote-functions`, `missing-image`, `missing-autoscaling`, `ensure-ready-before-remote`. */
export function checkDeployPrerequisites(dep: DeploymentModel, lines: LineIndex, out: Problem[]): void {
    const v = dep.variable;
    const ensure = moduleEnsureReady(dep, lines);
    if (dep.remotes.length === 0) {
        out.push(
            problem(
                'no-remote-functions',
                `Deployment \`${v}\` has no @${v}.remote function; ensure_ready() would fail with "Trying to deploy a ` +
                    'deployment not yet bound to a Python module. Have any remote functions been registered?". ' +
                    `Decorate an async function with @${v}.remote(...) in this file.`,
                dep.call.methodRange,
            ),
        );
    } else if (ensure && dep.remotes.every((r) => before(ensure.range.start, r.range.start))) {
        out.push(
            problem(
                'ensure-ready-before-remote',
                `${v}.ensure_ready() runs before any @${v}.remote function is defined, so the SDK fails with "Trying ` +
                    'to deploy a deployment not yet bound to a Python module. Have any remote functions been ' +
                    'registered?". Move ensure_ready() below the @remote functions.',
                ensure.methodRange,
                { related: [{ range: dep.remotes[0]?.nameRange ?? dep.range, message: 'first @remote function' }] },
            ),
        );
    }
    if (!dep.image || afterEnsure(dep.image.call, ensure, lines)) {
        const late = dep.image !== undefined;
        out.push(
            problem(
                'missing-image',
                (late
                    ? `${v}.image(...) is called only after ensure_ready(), so `
                    : `${v}.image(...) is never called, so `) +
                    'the SDK fails with "Trying to deploy a deployment without an image configured.". ' +
                    `Call ${v}.image("<docker image>", storage=<GB>) before ensure_ready().`,
                late && dep.image ? dep.image.call.methodRange : dep.call.methodRange,
                { fixes: late ? [] : [addImageFix(dep, lines)] },
            ),
        );
    }
    const scaling = dep.autoscalingCalls.filter((c) => !afterEnsure(c, ensure, lines));
    if (scaling.length === 0) {
        const late = dep.autoscalingCalls[0];
        out.push(
            problem(
                'missing-autoscaling',
                (late
                    ? `${v}.configure_autoscaling(...) is called only after ensure_ready(), so `
                    : `${v}.configure_autoscaling(...) is never called, so `) +
                    'the SDK refuses to deploy: "Trying to deploy a deployment without autoscaling configured.". ' +
                    `Call ${v}.configure_autoscaling() (no arguments = server defaults) before ensure_ready().`,
                late ? late.methodRange : dep.call.methodRange,
                { fixes: [addAutoscalingFix(dep, lines)] },
            ),
        );
    }
}

/** `context-not-async-context-manager` and `unregistered-context`. */
export function checkContexts(dep: DeploymentModel, lines: LineIndex, out: Problem[]): void {
    for (const c of dep.contexts) {
        const missing = ['__aenter__', '__aexit__'].filter((m) => !c.methods.includes(m));
        if (c.isClass && (missing.length === 0 || c.bases.length > 0)) continue;
        const what = c.isClass ? `class \`${c.name}\` has no ${missing.join(' or ')}` : `\`${c.name}\` is not a class`;
        out.push(
            problem(
                'context-not-async-context-manager',
                `@${dep.variable}.context() needs an async context manager class, but ${what}. The worker would fail ` +
                    'at startup with "Lifecycle startup failed: ..."; define async __aenter__ and __aexit__.',
                c.nameRange,
                { fixes: c.isClass ? [addContextMethodsFix(c, missing, lines)] : [] },
            ),
        );
    }
    const registered = new Set(dep.contexts.map((c) => c.name));
    for (const use of dep.contextUses) {
        if (use.target === undefined || registered.has(use.target)) continue;
        out.push(
            problem(
                'unregistered-context',
                `\`${use.target}\` is not registered with @${dep.variable}.context(), so get_context(${use.target}) ` +
                    `raises KeyError("Context ... not registered or not yet entered") on the worker. Decorate the ` +
                    `class with @${dep.variable}.context().`,
                use.range,
            ),
        );
    }
}

/**
 * The `name=` the SDK receives when deploying: only a keyword counts, since a positional argument is `api_key` in
 * deploy mode. `null` when a `**kwargs` splat may carry it.
 */
export function sentName(dep: DeploymentModel): PyValue | undefined | null {
    const kw = dep.call.args.find((a) => a.name === 'name');
    if (kw) return kw.value;
    if (
        dep.call.args.some((a) => a.name === undefined && a.value.kind === 'dynamic' && a.value.text.startsWith('**'))
    ) {
        return null;
    }
    return undefined;
}

/** `unnamed-deployment`: the SDK names it after the module, `__main__` as a script, so they collide. */
export function checkNamed(dep: DeploymentModel, filePath: string, lines: LineIndex, out: Problem[]): void {
    const name = sentName(dep);
    if (name === null || (name && name.kind !== 'none')) return;
    out.push(
        problem(
            'unnamed-deployment',
            'Deployment has no name=: the SDK names it after the module ("__main__" when run as a script), so every ' +
                'unnamed deployment run that way is the same deployment. Give it a name.',
            dep.call.methodRange,
            { fixes: [addNameFix(dep, filePath, lines)] },
        ),
    );
}
