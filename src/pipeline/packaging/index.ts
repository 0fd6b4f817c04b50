/**
 * Packaging: from a deployment .py file to the SDK-identical tarball, `file_hash` and PUT body.
 *
 * API (for the deploy pipeline, the CLI and the extension):
 * - `loadSpecs(file, { text?, moduleName? })` → every `Deployment(...)` of the file as
 *   `{ variable, name?, result: Result<DeploymentSpec, SpecError[]> }` (runs the analysis; SDK refusals have the
 *   SDK's exact texts and ranges).
 * - `planPackage(spec, { baseDir?, workspaceRoot? })` → the files that will be packaged, or every problem
 *   (missing copy source, symlink leaving the workspace, unreadable or special file). `plan.secrets` lists files
 *   that look like credentials: ask the user (`--yes` in the CLI) before building with `allowSecrets: true`.
 * - `buildPackage(spec, { outFile?, signal?, onProgress?, allowSecrets?, baseDir?, workspaceRoot?, level?,
 *   threads? })` → `{ filePath, fileHash, fileSize, entries, secrets, notes }`. Streams: memory stays flat
 *   whatever the copy size. Throws `PackagePlanError` (problems), `SecretFilesError` (secrets not allowed),
 *   `PackagingAbortedError` (signal), `FileChangedError`; the partial file is removed on failure.
 * - `hashPackage(spec, { signal?, baseDir?, workspaceRoot? })` → `file_hash` only (no archive written): "did the
 *   code change?".
 * - `putBody(spec, fileHash, fileSize, urls)` → the `PUT /api/v0/deployments/` body; `envString(spec, urls)`;
 *   `autoscalerUrlFor(instance, explicitUrl)` for `urls.autoscalerUrl`.
 *
 * Copy sources resolve against the deployment file's directory (see plan.ts for why).
 */
import * as fs from 'node:fs';
import type { DeploymentSpec, Result, SpecError } from '../../shared/packaging';
import { showEnvReads, specFromModel, type EnvReadShown } from '../../shared/packaging';
import { decodePythonSource } from '../../shared/python/encoding';
import { analyzePython, initPython } from '../../shared/python/analyze';
import { buildPlan, type BuildOptions, type BuiltPackage } from './build';
import { hashPlan } from './hash';
import { planPackage, type PlanOptions, type PlanProblem } from './plan';

export { autoscalerUrlFor, envString, putBody, type PutBody, type ServiceUrls } from '../../shared/packaging';
export type { DeploymentSpec, SpecError } from '../../shared/packaging';
export { FileChangedError, PackagingAbortedError } from './parallelGzip';
export { planPackage, looksSecret, type PackagePlan, type PlanEntry, type PlanProblem } from './plan';
export type { BuildProgress, BuiltEntry } from './build';

/** The copies cannot be packaged; `problems` says why, file by file. */
export class PackagePlanError extends Error {
    constructor(readonly problems: PlanProblem[]) {
        super(problems.map((p) => p.message).join('\n'));
        this.name = 'PackagePlanError';
    }
}

/** Files that look like secrets would be uploaded; pass `allowSecrets: true` once the user agreed. */
export class SecretFilesError extends Error {
    constructor(readonly files: string[]) {
        super(`These files look like secrets and would be uploaded: ${files.join(', ')}`);
        this.name = 'SecretFilesError';
    }
}

/** One deployment found in a file. */
export interface LoadedSpec {
    variable: string;
    /** Environment variables the file read (values of secret-looking names masked), for the Deploy plan. */
    envReads: EnvReadShown[];
    /** `name=` when it is a literal string. */
    name?: string;
    result: Result<DeploymentSpec, SpecError[]>;
}

/** Analyses a .py file (or `text` for it) and evaluates each deployment in it. */
export async function loadSpecs(
    file: string,
    options: { text?: string; moduleName?: string; env?: Record<string, string | undefined> } = {},
): Promise<LoadedSpec[]> {
    await initPython();
    const text = options.text ?? readPythonSource(file, await fs.promises.readFile(file));
    const analysis = analyzePython(text, options.env ? { env: options.env } : {});
    const envReads = showEnvReads(analysis.envReads ?? []);
    return analysis.deployments.map((d) => ({
        variable: d.variable,
        envReads,
        name: d.name?.kind === 'str' ? d.name.value : undefined,
        result: specFromModel(d, file, { moduleName: options.moduleName }),
    }));
}

/** A .py file the way Python decodes it (PEP 263), or a clear error. */
export class SourceDecodeError extends Error {
    constructor(file: string, reason: string) {
        super(`${file}: ${reason}`);
        this.name = 'SourceDecodeError';
    }
}

function readPythonSource(file: string, bytes: Uint8Array): string {
    const d = decodePythonSource(bytes);
    if (!d.ok) throw new SourceDecodeError(file, d.error);
    return d.text;
}

function planOrThrow(spec: DeploymentSpec, options: PlanOptions) {
    const r = planPackage(spec, options);
    if (!r.ok) throw new PackagePlanError(r.problems);
    return r.plan;
}

export interface PackageOptions extends BuildOptions, PlanOptions {
    /** Package files that look like secrets (after the user confirmed). Default false: SecretFilesError. */
    allowSecrets?: boolean;
}

/** Builds the tarball and its hash. */
export async function buildPackage(
    spec: DeploymentSpec,
    options: PackageOptions = {},
): Promise<BuiltPackage & { secrets: string[]; notes: string[] }> {
    const plan = planOrThrow(spec, options);
    if (plan.secrets.length > 0 && !options.allowSecrets) throw new SecretFilesError(plan.secrets);
    const built = await buildPlan(plan, options);
    return { ...built, secrets: plan.secrets, notes: plan.notes };
}

/** `file_hash` without writing an archive. */
export async function hashPackage(
    spec: DeploymentSpec,
    options: PlanOptions & { signal?: AbortSignal } = {},
): Promise<string> {
    return hashPlan(planOrThrow(spec, options), options.signal);
}
