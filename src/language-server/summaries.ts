// The deployments list (`vastDeployments/listDeployments`): one summary per `Deployment(...)` in the index.
import type { DeploymentModel, FileAnalysis, MethodCall, PyValue, QueryOp, Range } from '../shared/model';
import { literalScalar } from '../shared/packaging/evaluate';
import { buildQuery } from '../shared/packaging/searchParams';
import type { DeploymentSummary, FunctionSummary } from '../shared/protocol';
import type { Problem } from '../shared/rules/types';
import { deploymentKey } from '../shared/rules';
import { countProblems } from './diagnostics';

/** Computes `search_params` for an image, when a packaging implementation is available. */
export type SearchParamsFn = (d: DeploymentModel) => string | undefined;

/** Summaries of every deployment in one file. `problems` are the file's effective problems. */
export function summarize(
    uri: string,
    workspaceFolder: string | undefined,
    analysis: FileAnalysis,
    problems: readonly Problem[],
    searchParams?: SearchParamsFn,
): DeploymentSummary[] {
    const counts = countProblems(problems);
    return analysis.deployments.map((d) => {
        const functions: FunctionSummary[] = d.remotes.map((r) => ({
            name: r.name,
            range: r.range,
            isAsync: r.isAsync,
            isBenchmark: r.benchmark !== undefined,
            params: r.params.map((p) => p.name),
        }));
        const benchmarks = functions.filter((f) => f.isBenchmark);
        const s: DeploymentSummary = {
            uri,
            range: d.call.range,
            unnamed: d.name === undefined || d.name.kind === 'none' || (d.name.kind === 'str' && d.name.value === ''),
            functions,
            problems: { ...counts },
        };
        if (workspaceFolder !== undefined) s.workspaceFolder = workspaceFolder;
        // Name and tag are read together: a dynamic tag makes the deployment unaddressable, as does a dynamic name.
        const key = deploymentKey(d);
        if (key) {
            s.name = key.name;
            s.tag = key.tag;
        } else {
            if (d.name === undefined || d.name.kind === 'none') s.name = '__main__';
            else if (d.name.kind === 'str') s.name = d.name.value;
            if (d.tag === undefined || d.tag.kind === 'none') s.tag = 'default';
            else if (d.tag.kind === 'str') s.tag = d.tag.value;
        }
        if (benchmarks.length === 1) s.benchmarkFunction = (benchmarks[0] as FunctionSummary).name;
        if (d.image) s.image = imageSummary(d, searchParams);
        const autoscaling = mergeAutoscaling(d.autoscalingCalls);
        if (autoscaling) s.autoscaling = autoscaling;
        return s;
    });
}

function imageSummary(d: DeploymentModel, searchParams?: SearchParamsFn): NonNullable<DeploymentSummary['image']> {
    const call = (d.image as NonNullable<DeploymentModel['image']>).call;
    const positional = call.args.filter((a) => a.name === undefined);
    const ref = call.args.find((a) => a.name === 'from_image')?.value ?? positional[0]?.value;
    const storage = call.args.find((a) => a.name === 'storage')?.value ?? positional[1]?.value;
    const out: NonNullable<DeploymentSummary['image']> = { range: call.range };
    if (ref?.kind === 'str') out.ref = ref.value;
    if (storage?.kind === 'int' || storage?.kind === 'float') out.storage = storage.value;
    const require = d.image?.calls.find((c) => c.method === 'require');
    if (require) out.requireRange = require.range;
    if (searchParams) {
        try {
            const sp = searchParams(d);
            if (sp !== undefined) out.searchParams = sp;
        } catch {
            // A query that cannot be serialised is reported by the rules; the list just omits it.
        }
    }
    return out;
}

/** Literal keyword values over every `configure_autoscaling` call, later calls winning (the SDK's dict.update). */
function mergeAutoscaling(calls: MethodCall[]): Record<string, string | number | boolean | null> | undefined {
    if (calls.length === 0) return undefined;
    const out: Record<string, string | number | boolean | null> = {};
    for (const c of calls) {
        for (const a of c.args) {
            if (a.name === undefined) continue;
            const v = literalScalar(a.value);
            if (v !== undefined) out[a.name] = v;
        }
    }
    return out;
}

/** `search_params` as the SDK would send it, from the image's `require(...)` calls; undefined when not literal. */
export function searchParamsOf(d: DeploymentModel): string | undefined {
    if (!d.image) return undefined;
    const terms: { column: string; op: QueryOp; value: PyValue; range: Range }[] = [];
    for (const c of d.image.calls) {
        if (c.method !== 'require') continue;
        for (const a of c.args) {
            if (a.name !== undefined || a.value.kind !== 'query') return undefined;
            for (const t of a.value.terms) {
                terms.push({ column: t.serverColumn, op: t.op, value: t.value, range: t.range });
            }
        }
    }
    const r = buildQuery(terms);
    return 'error' in r ? undefined : r.searchParams;
}
