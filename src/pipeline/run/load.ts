/** Picking one deployment out of a .py file, with refusals as `file:line:col: message` lines. */
import * as path from 'node:path';
import { analyzePython, initPython } from '../../shared/python/analyze';
import { benchmarkInputs, type Wire } from '../../shared/serialization';
import type { RemoteFunction } from '../../shared/model';
import { loadSpecs, type DeploymentSpec, type SpecError } from '../packaging';
import { fileRefusals } from './gate';
import { readSourceFile } from './sourceFile';

/** The file cannot be deployed as written. `problems` are `file:line:col: message` lines. */
export class SpecLoadError extends Error {
    constructor(
        message: string,
        readonly problems: string[] = [],
    ) {
        super(problems.length > 0 ? `${message}\n${problems.join('\n')}` : message);
        this.name = 'SpecLoadError';
    }
}

export function formatSpecError(file: string, e: SpecError): string {
    return `${file}:${e.range.start.line + 1}:${e.range.start.character + 1}: ${e.message}`;
}

/**
 * Loads the deployment named `name` (its `name=` or its variable) from `file`; without a name the file must hold
 * exactly one. Run as a script, like `python app.py`, so an unnamed deployment is `__main__`.
 */
export async function loadDeployment(
    file: string,
    name?: string,
    options: { refuseErrors?: boolean; env?: Readonly<Record<string, string | undefined>> } = {},
): Promise<DeploymentSpec> {
    const abs = path.resolve(file);
    // Read once, as Python would (never blocking on a FIFO; a one-line reason when it cannot be read).
    const { text } = readSourceFile(abs);
    if (options.refuseErrors) {
        // The shared gate: what `check` (or the editor) reports as an error is never packaged.
        const gate = await fileRefusals(abs, file);
        if (gate.refusals.length > 0) {
            throw new SpecLoadError(
                `${file}: cannot package: ${gate.refusals.length} error${gate.refusals.length === 1 ? '' : 's'} ` +
                    'that the SDK or a worker would fail on',
                gate.lines,
            );
        }
    }
    // os.environ reads resolve as the SDK resolves them at deploy time: from this process's environment.
    const specs = await loadSpecs(abs, { text, moduleName: '__main__', env: { ...(options.env ?? process.env) } });
    if (specs.length === 0) throw new SpecLoadError(`${file}: no Deployment(...) found`);
    const candidates = name === undefined ? specs : specs.filter((s) => s.name === name || s.variable === name);
    if (candidates.length === 0) {
        const known = specs.map((s) => s.name ?? s.variable).join(', ');
        throw new SpecLoadError(`${file}: no deployment named "${name}" (found: ${known})`);
    }
    if (candidates.length > 1) {
        const known = candidates.map((s) => s.name ?? s.variable).join(', ');
        throw new SpecLoadError(`${file}: several deployments (${known}); pick one with --deployment NAME`);
    }
    const r = candidates[0]!.result;
    if (!r.ok) {
        throw new SpecLoadError(
            `${file}: cannot deploy`,
            r.errors.map((e) => formatSpecError(file, e)),
        );
    }
    return { ...r.value, envReads: candidates[0]!.envReads };
}

/** What Benchmark needs from the file: the function, its inputs and `benchmark_runs`. */
export interface BenchmarkTarget {
    spec: DeploymentSpec;
    fname: string;
    inputs: Record<string, Wire>[];
    inputKind: 'dataset' | 'generator';
    /** `benchmark_runs=` of the decorator (default 10). */
    runs: number;
    params: string[];
}

/** The `@remote` functions of the deployment `spec` read from `file`. */
async function remotesOf(file: string, spec: DeploymentSpec): Promise<RemoteFunction[]> {
    await initPython();
    const { text } = readSourceFile(path.resolve(file));
    const models = analyzePython(text).deployments;
    const model = models.find((d) => (d.name?.kind === 'str' ? d.name.value : '__main__') === spec.name) ?? models[0];
    return model?.remotes ?? [];
}

/** One `@remote` function of a deployment, with its parameters (for "Call function"). */
export async function loadFunction(
    file: string,
    name: string | undefined,
    fname: string,
): Promise<{ spec: DeploymentSpec; remote: RemoteFunction }> {
    const spec = await loadDeployment(file, name);
    const remotes = await remotesOf(file, spec);
    const remote = remotes.find((r) => r.name === fname);
    if (!remote) {
        const known = remotes.map((r) => r.name).join(', ') || 'none';
        throw new SpecLoadError(`${file}: no @remote function named ${fname} (found: ${known})`);
    }
    return { spec, remote };
}

/** Reads the benchmark function of a deployment (the one with a benchmark, or `fname`). */
export async function loadBenchmark(file: string, name?: string, fname?: string): Promise<BenchmarkTarget> {
    const spec = await loadDeployment(file, name);
    const remotes = await remotesOf(file, spec);
    const withBench = remotes.filter((r) => r.benchmark);
    let remote;
    if (fname !== undefined) {
        remote = remotes.find((r) => r.name === fname);
        if (!remote) throw new SpecLoadError(`${file}: no @remote function named ${fname}`);
    } else {
        // The worker refuses a deployment without exactly one benchmark (reference §6).
        if (withBench.length === 0) throw new SpecLoadError('Missing EndpointHandler with BenchmarkConfig');
        if (withBench.length > 1) {
            throw new SpecLoadError('Cannot define BenchmarkConfig for more than one EndpointHandler!');
        }
        remote = withBench[0]!;
    }
    const inputs = benchmarkInputs(remote);
    if (!inputs.ok) throw new SpecLoadError(`${file}: ${inputs.error}`);
    const runsArg = remote.decorator.args.find((a) => a.name === 'benchmark_runs')?.value;
    const runs = runsArg?.kind === 'int' && runsArg.value > 0 ? runsArg.value : 10;
    return {
        spec,
        fname: remote.name,
        inputs: inputs.items,
        inputKind: inputs.kind,
        runs,
        params: remote.params.map((p) => p.name),
    };
}
