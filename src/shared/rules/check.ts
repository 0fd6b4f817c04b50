/** `checkFile`: every per-file rule over one file's analysis. Pure: file-system facts come through the context. */
import type { DeploymentModel, FileAnalysis, RemoteFunction } from '../model';
import { checkCall, closest } from './args';
import { checkBenchmarkValues } from './benchmark';
import { problem, sortProblems } from './problems';
import { AUTOSCALING_CALL, DEPLOYMENT_CALL, DEPLOYMENT_METHODS, REMOTE_CALL } from './sdk';
import { checkImage } from './image';
import {
    checkBenchmarkCount,
    checkContexts,
    checkDeployPrerequisites,
    checkNamed,
    checkRemoteAsync,
} from './structure';
import { invalidSourceProblem, sourceTextProblem } from './source';
import { LineIndex, at } from './text';
import { checkImportTimeEnv } from './workerEnv';
import type { FileRuleContext, Problem } from './types';

/** The code of the diagnostic for a file the editor did not analyse (too large, out of time). */
export const NOT_ANALYSED = 'not-analysed';

/** Every problem of one file (before settings and `# vast: ignore` are applied; see `applySettings`). */
export function checkFile(analysis: FileAnalysis, ctx: FileRuleContext): Problem[] {
    const lines = new LineIndex(ctx.text, ctx.lineStarts);
    const out: Problem[] = [];
    if (analysis.notAnalysed !== undefined) {
        // Not a rule of the code table: the editor's own limit (see shared/python/limits.ts), never ignorable.
        const start = { line: 0, character: 0 };
        out.push({
            code: NOT_ANALYSED,
            severity: 'warning',
            message: analysis.notAnalysed,
            range: { start, end: start },
        });
    }
    // A file Python refuses to import matters only where it is deployed or imported by a deployment.
    const refused =
        analysis.deployments.length > 0 || analysis.foreignRemotes.length > 0
            ? (ctx.sourceProblem ?? sourceTextProblem(ctx.text))
            : undefined;
    if (refused) out.push(invalidSourceProblem(refused));
    for (const dep of analysis.deployments) checkDeployment(dep, analysis, ctx, lines, out);
    checkImportTimeEnv(analysis, out);
    // `@x.remote` on a deployment imported from elsewhere: its own shape is still checkable here.
    for (const f of analysis.foreignRemotes) checkRemote(f.remote, lines, out);
    return sortProblems(out);
}

function checkDeployment(
    dep: DeploymentModel,
    analysis: FileAnalysis,
    ctx: FileRuleContext,
    lines: LineIndex,
    out: Problem[],
): void {
    checkCall(dep.call, DEPLOYMENT_CALL, lines, out, {
        // Serve mode's Deployment(*args) hands it to the base class as name; the bootstrap then looks the deployment
        // up by config.json's name and finds nothing (or Python raises TypeError when name= is given too).
        positionalMessage:
            'Pass Deployment arguments by keyword: the SDK takes a positional argument as api_key when deploying ' +
            '(it would send this value as your API key) but as name on the worker, where every worker then fails ' +
            'at startup ("Failed to lookup registered deployment", or TypeError when name= is given too).',
        positionalFix: (arg) =>
            arg === dep.call.args[0] && arg.value.kind === 'str' && !dep.call.args.some((a) => a.name === 'name')
                ? { title: 'Pass it as name=', edits: [{ range: at(arg.range.start), newText: 'name=' }] }
                : undefined,
    });
    checkNamed(dep, ctx.path, lines, out);
    const key = dep.call.args.find((a) => a.name === 'api_key');
    if (key?.value.kind === 'str') {
        // The deployment file itself is uploaded and unpacked on every worker.
        out.push(
            problem(
                'secret-in-package',
                'The API key is written in this file, which is uploaded with the package and unpacked on every ' +
                    'worker. Leave api_key out (the SDK reads VAST_API_KEY or the saved key) or read it with ' +
                    'os.environ.get("VAST_API_KEY") (os.environ["..."] raises KeyError on a worker where it is unset).',
                key.value.range,
            ),
        );
    }
    for (const fn of dep.remotes) checkRemote(fn, lines, out);
    checkBenchmarkCount(dep, lines, out);
    checkDeployPrerequisites(dep, lines, out);
    for (const u of dep.unfollowable ?? []) {
        out.push(
            problem('cannot-follow', `Deploy will refuse this file: cannot follow ${u.message}.`, u.range, {
                related: [{ range: u.reasonRange, message: 'this is what the editor cannot follow' }],
            }),
        );
    }
    checkContexts(dep, lines, out);
    if (dep.image) checkImage(dep.image, analysis, ctx, lines, out);
    // A replaced image() still runs: a call Python refuses there (no storage, an unknown keyword) stops the file.
    for (const image of dep.replacedImages ?? []) checkImage(image, analysis, ctx, lines, out, { replaced: true });
    for (const call of dep.autoscalingCalls) checkCall(call, AUTOSCALING_CALL, lines, out);
    const ensureSpec = DEPLOYMENT_METHODS['ensure_ready'];
    if (ensureSpec) for (const call of dep.ensureReadyCalls) checkCall(call, ensureSpec, lines, out);
    for (const call of dep.otherCalls) {
        if (call.method.startsWith('_') || Object.prototype.hasOwnProperty.call(DEPLOYMENT_METHODS, call.method)) {
            continue;
        }
        out.push(
            problem(
                'unknown-argument',
                `Deployment has no method \`${call.method}\` (Python raises AttributeError)` + methodHint(call.method),
                call.methodRange,
            ),
        );
    }
}

function methodHint(method: string): string {
    const hint = closest(method, Object.keys(DEPLOYMENT_METHODS));
    return hint ? `; did you mean \`${hint}\`?` : '.';
}

/** Rules on one `@remote` function on its own. */
function checkRemote(fn: RemoteFunction, lines: LineIndex, out: Problem[]): void {
    checkCall(fn.decorator, REMOTE_CALL, lines, out);
    checkRemoteAsync(fn, out);
    checkBenchmarkValues(fn, lines, out);
}
