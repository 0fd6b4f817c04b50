/**
 * The extension's way into the packaging pipeline: from a definition the language server listed to a package plan
 * (the same analysis, spec and plan the CLI uses), and the hash-only path for "out of date". vscode-free; loads the
 * Python parser (wasm, next to the bundle) on first use.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeploymentModel } from '../shared/model';
import type { DeploymentSummary } from '../shared/protocol';
import type { DeploymentSpec } from '../shared/packaging';
import type { PackagePlan } from '../pipeline/packaging/plan';

/** The `.env` file a deploy reads besides the extension host's environment (none in an untrusted workspace). */
export interface EnvFileRef {
    /** Absolute path. */
    path: string;
    /** How messages name it (the setting's value). */
    label: string;
}

/** A definition evaluated and planned, ready to build and deploy. */
export interface Prepared {
    file: string;
    model: DeploymentModel;
    spec: DeploymentSpec;
    plan: PackagePlan;
}

/** Why a definition cannot be packaged: messages with their line (1-based) for the user. */
export class PrepareError extends Error {
    constructor(
        readonly problems: { message: string; line?: number }[],
        file: string,
    ) {
        super(
            `${path.basename(file)} cannot be packaged:\n` +
                problems.map((p) => `  ${p.line !== undefined ? `line ${p.line}: ` : ''}${p.message}`).join('\n'),
        );
        this.name = 'PrepareError';
    }
}

function sameStart(a: DeploymentModel['call']['range'], b: DeploymentSummary['range']): boolean {
    return a.start.line === b.start.line && a.start.character === b.start.character;
}

/**
 * Reads the file from disk (what gets packaged), analyses it and plans the package of the listed deployment.
 * `os.environ` / `os.getenv` reads resolve as the SDK would resolve them here: from the extension host's environment
 * plus `envFile`; the spec lists them (`envReads`, secrets masked) for the plan.
 */
export async function prepare(d: DeploymentSummary, workspaceRoot?: string, envFile?: EnvFileRef): Promise<Prepared> {
    const file = fileURLToPath(d.uri);
    const [
        { fileRefusals },
        { SourceFileError },
        { specFromModel },
        { planPackage },
        { deployEnvironment },
        { analyzePython },
        { showEnvReads },
    ] = await Promise.all([
        import('../pipeline/run/gate.js'),
        import('../pipeline/run/sourceFile.js'),
        import('../shared/packaging/spec.js'),
        import('../pipeline/packaging/plan.js'),
        import('../pipeline/run/envFile.js'),
        import('../shared/python/analyze.js'),
        import('../shared/packaging/envReads.js'),
    ]);
    let gate: Awaited<ReturnType<typeof fileRefusals>>;
    try {
        gate = await fileRefusals(file, path.basename(file));
    } catch (err) {
        if (err instanceof SourceFileError) throw new PrepareError([{ message: err.message }], file);
        throw err;
    }
    // The shared refusal gate: raw error-level findings, whatever ignore comments and severity settings say.
    if (gate.refusals.length > 0) {
        throw new PrepareError(
            gate.refusals.map((p, i) => ({
                message: (gate.lines[i] ?? p.message).replace(/^[^:]*:\d+:\d+: /, ''),
                line: p.range.start.line + 1,
            })),
            file,
        );
    }
    // The gate read the file as the editor does (env reads dynamic); evaluate it again against the environment.
    const environment = deployEnvironment(process.env, envFile?.path, envFile?.label);
    const analysis = analyzePython(gate.text, { env: environment.env });
    const reads = analysis.envReads ?? [];
    if (reads.length > 0 && environment.problems.length > 0) {
        // What the file reads may be what the .env file could not say: refuse rather than deploy a guess.
        const line = reads[0]!.range.start.line + 1;
        throw new PrepareError(
            environment.problems.map((p) => ({
                message: `reads ${reads[0]!.name} from the environment, but vastDeployments.envFile cannot be used: ${p}`,
                line,
            })),
            file,
        );
    }
    const model =
        analysis.deployments.find((m) => sameStart(m.call.range, d.range)) ??
        analysis.deployments.find((m) => m.name?.kind === 'str' && m.name.value === d.name) ??
        (analysis.deployments.length === 1 ? analysis.deployments[0] : undefined);
    if (!model) {
        throw new PrepareError([{ message: `no Deployment(...) found at line ${d.range.start.line + 1}` }], file);
    }
    const spec = specFromModel(model, file, { moduleName: '__main__' });
    if (!spec.ok) {
        throw new PrepareError(
            spec.errors.map((e) => ({ message: e.message, line: e.range.start.line + 1 })),
            file,
        );
    }
    const planned = planPackage(spec.value, { workspaceRoot });
    if (!planned.ok) {
        throw new PrepareError(
            planned.problems.map((p) => ({ message: p.message, line: p.range ? p.range.start.line + 1 : undefined })),
            file,
        );
    }
    return { file, model, spec: { ...spec.value, envReads: showEnvReads(reads) }, plan: planned.plan };
}

/** The SDK's `file_hash` of a definition without building the archive; undefined when it cannot be packaged. */
export async function localHash(
    d: DeploymentSummary,
    signal: AbortSignal,
    envFile?: EnvFileRef,
): Promise<string | undefined> {
    let prepared: Prepared;
    try {
        prepared = await prepare(d, d.workspaceFolder ? fileURLToPath(d.workspaceFolder) : undefined, envFile);
    } catch (err) {
        if (err instanceof PrepareError) return undefined;
        throw err;
    }
    const { hashPlan } = await import('../pipeline/packaging/hash.js');
    return hashPlan(prepared.plan, signal);
}
