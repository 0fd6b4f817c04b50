/**
 * Deploy, step by step, vscode-free: package → register (PUT) → upload (when asked) → update workers (soft update)
 * → optionally wait for a ready worker. Every step reports progress and honours the AbortSignal; a failure says
 * which step failed and what state the deployment is left in.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { VastClient } from '../api/client';
import { ApiError, CancelledError } from '../api/errors';
import type { PutDeploymentResponse, WorkerRecord } from '../api/types';
import { buildPackage, PackagingAbortedError, putBody, type DeploymentSpec } from '../packaging';
import { loadDeployment } from './load';
import { NoWorkerPossibleError, waitForReady, WorkerStartupError } from './wait';
import { NO_MACHINE_ADVICE, noMachineMessage } from './market';

export type DeployStep = 'package' | 'register' | 'upload' | 'update-workers' | 'wait';

/** {@link deployFile} adds reading the file first. */
export type DeployFileStep = 'analyse' | DeployStep;

export interface DeployProgress {
    step: DeployStep;
    message: string;
    /** 0..1 within the step, when known. */
    fraction?: number;
}

export interface DeployOptions {
    signal?: AbortSignal;
    onProgress?: (p: DeployProgress) => void;
    /** Package files that look like secrets (the user confirmed). */
    allowSecrets?: boolean;
    /** Wait until at least one worker is ready. */
    wait?: boolean;
    waitTimeoutMs?: number;
    pollMs?: number;
    /** Keep the tarball at this path instead of a temp file that is removed afterwards. */
    outFile?: string;
    baseDir?: string;
    workspaceRoot?: string;
}

export interface DeployResult {
    name: string;
    tag: string;
    deploymentId: number;
    endpointId: number;
    workergroupId?: number;
    /** The server's `action`: `created`, `soft_update`, `autoscale_update`, `exists`, ... */
    action: string;
    /** Tier implied by the action (reference §3, inferred); undefined for an action the reference does not map. */
    tier?: number;
    uploaded: boolean;
    updateWorkersTriggered: boolean;
    fileHash: string;
    fileSize: number;
    body: Record<string, unknown>;
    workers?: WorkerRecord[];
    warnings: string[];
    /** Milliseconds per step. */
    timings: Partial<Record<DeployFileStep, number>> & { total: number };
}

/** {@link deployFile} could not read a deployable deployment from the file; nothing was sent. */
export class AnalyseError extends Error {
    readonly step = 'analyse' as const;
    readonly state = 'unchanged' as const;
    readonly stateMessage = 'Nothing was sent; the deployment is unchanged.';
    constructor(readonly cause: unknown) {
        const why = cause instanceof Error ? cause.message : String(cause);
        super(`Deploy failed at analyse: ${why}\nNothing was sent; the deployment is unchanged.`);
        this.name = 'AnalyseError';
    }
}

/** What exists on the server after a failure, in words the user can act on. */
export type DeployState = 'unchanged' | 'unknown' | 'registered' | 'uploaded' | 'deployed';

/** A deploy failed at `step`; `stateMessage` says what exists on the server now and what to do. */
export class DeployError extends Error {
    /** `Deploy failed at <step>: <why>` without the state sentence. */
    readonly summary: string;

    constructor(
        readonly step: DeployStep,
        readonly state: DeployState,
        readonly stateMessage: string,
        readonly cause: unknown,
        readonly deploymentId?: number,
    ) {
        const why = cause instanceof Error ? cause.message : String(cause);
        const verb = cause instanceof CancelledError ? 'cancelled during' : 'failed at';
        const summary = `Deploy ${verb} ${step}: ${why}`;
        super(`${summary}\n${stateMessage}`);
        this.name = 'DeployError';
        this.summary = summary;
    }
    get cancelled(): boolean {
        return this.cause instanceof CancelledError || this.cause instanceof PackagingAbortedError;
    }
}

/** What the deployment's state is after the wait ended without a ready worker. */
function waitFailureMessage(id: number, e: unknown): string {
    if (e instanceof WorkerStartupError) {
        return (
            `Deployment ${id} is deployed, but its new code does not start: every worker failed ` +
            `(${e.failed}). Fix the error and deploy again; the full traceback is in the worker log.`
        );
    }
    if (e instanceof NoWorkerPossibleError) {
        return `Deployment ${id} is deployed, but no worker can be created: ${NO_MACHINE_ADVICE}.`;
    }
    if (e instanceof CancelledError) {
        return `Deployment ${id} is deployed; you stopped waiting while its workers were starting (see status and logs).`;
    }
    return `Deployment ${id} is deployed, but no worker is ready yet; it may still come up (see status and logs).`;
}

const ACTION_TIER: Record<string, number> = { exists: 0, autoscale_update: 1, soft_update: 2, created: 4 };

function registerState(e: unknown): [DeployState, string] {
    // A timeout or dropped connection may have reached the server: say so rather than claim nothing happened.
    if (e instanceof ApiError && (e.kind === 'transport' || e.kind === 'timeout')) {
        return [
            'unknown',
            'The server may or may not have registered it; deploy again (it is idempotent) or check status.',
        ];
    }
    return ['unchanged', 'Nothing was changed on the server.'];
}

/**
 * What a deployment holds after its upload failed: none on a create; on an update the server says whether a version
 * was ever uploaded (a deployment whose first upload failed has none), asked once, briefly.
 */
async function codeLeftBehind(client: VastClient, id: number, action: string): Promise<string> {
    if (action === 'created') return 'without any code';
    try {
        const rec = await client.showDeployment(id, { signal: AbortSignal.timeout(5000) });
        if (rec.current_version_id === null) return 'without any code (no upload of it ever succeeded)';
        if (typeof rec.current_version_id === 'number') return 'with the old code';
    } catch {
        // Unknown: say what may be.
    }
    return 'with its previous code, if an earlier upload succeeded';
}

/** Deploys one evaluated deployment. Throws {@link DeployError}. */
export async function deploy(
    client: VastClient,
    spec: DeploymentSpec,
    opts: DeployOptions = {},
): Promise<DeployResult> {
    const t0 = Date.now();
    const timings: DeployResult['timings'] = { total: 0 };
    const warnings: string[] = [];
    // Once deploy() has returned or thrown, nothing more is reported: an upload stream or a poll still winding down
    // must not print a progress line after the final result or error.
    let settled = false;
    const progress = (step: DeployStep, message: string, fraction?: number) => {
        if (!settled) opts.onProgress?.({ step, message, fraction });
    };
    const timed = async <T>(step: DeployStep, fn: () => Promise<T>): Promise<T> => {
        const s = Date.now();
        try {
            return await fn();
        } finally {
            timings[step] = Date.now() - s;
        }
    };

    // 1. Package.
    progress('package', `Packaging ${path.basename(spec.file)}`);
    let pkg: Awaited<ReturnType<typeof buildPackage>>;
    try {
        pkg = await timed('package', () =>
            buildPackage(spec, {
                signal: opts.signal,
                allowSecrets: opts.allowSecrets,
                outFile: opts.outFile,
                baseDir: opts.baseDir,
                workspaceRoot: opts.workspaceRoot,
                onProgress: (p) =>
                    progress(
                        'package',
                        `Packaging ${p.current || path.basename(spec.file)}`,
                        p.bytesTotal ? p.bytesDone / p.bytesTotal : undefined,
                    ),
            }),
        );
    } catch (e) {
        settled = true;
        throw new DeployError('package', 'unchanged', 'Nothing was sent; the deployment is unchanged.', e);
    }
    const removeTemp = () => {
        if (!opts.outFile) fs.rmSync(path.dirname(pkg.filePath), { recursive: true, force: true });
    };
    try {
        warnings.push(...pkg.notes);
        const body = putBody(spec, pkg.fileHash, pkg.fileSize, {
            webserverUrl: client.webserverUrl,
            autoscalerUrl: client.autoscalerUrl,
        });

        // 2. Register.
        progress('register', `Registering ${spec.name} (tag ${spec.tag})`);
        let put: PutDeploymentResponse;
        try {
            put = await timed('register', () => client.putDeployment(body, { signal: opts.signal }));
        } catch (e) {
            const [state, msg] = registerState(e);
            throw new DeployError('register', state, msg, e);
        }
        const id = put.deployment_id;
        progress('register', `Deployment ${id} (${put.action}), endpoint ${put.endpoint_id}`, 1);

        // 3. Upload, only when the server asks for the blob.
        const uploadAsked = Boolean(put.upload_url && put.upload_fields);
        if (uploadAsked) {
            progress('upload', `Uploading ${pkg.fileSize} bytes`, 0);
            try {
                await timed('upload', () =>
                    client.uploadPackage(
                        put.upload_url as string,
                        put.upload_fields as Record<string, string>,
                        pkg.filePath,
                        {
                            signal: opts.signal,
                            onBytes: (sent, total) =>
                                progress('upload', `Uploading ${sent}/${total} bytes`, sent / total),
                        },
                    ),
                );
            } catch (e) {
                const old = await codeLeftBehind(client, id, put.action);
                throw new DeployError(
                    'upload',
                    'registered',
                    `Registered but upload failed: deployment ${id} exists ${old}; run deploy again.`,
                    e,
                    id,
                );
            }
        }

        // 4. Soft update: tell the workers to pull the new code.
        let workergroupId = put.workergroup_id ?? undefined;
        let triggered = false;
        if (put.action === 'soft_update') {
            progress('update-workers', 'Asking the workers to update');
            try {
                await timed('update-workers', async () => {
                    workergroupId ??= await client.findWorkergroupForEndpoint(put.endpoint_id, { signal: opts.signal });
                    if (workergroupId === undefined) {
                        warnings.push(
                            `soft_update but no workergroup found for endpoint ${put.endpoint_id}, skipping update_workers`,
                        );
                        return;
                    }
                    await client.updateWorkers(workergroupId, { signal: opts.signal });
                    triggered = true;
                });
            } catch (e) {
                throw new DeployError(
                    'update-workers',
                    'uploaded',
                    `The new code is registered${uploadAsked ? ' and uploaded' : ''}, but the workers were not told to ` +
                        `update; they keep the old code until they restart. Run deploy again.`,
                    e,
                    id,
                );
            }
        }

        // 5. Optionally wait for a ready worker.
        let workers: WorkerRecord[] | undefined;
        if (opts.wait) {
            try {
                workers = await timed('wait', async () => {
                    // The version just deployed: only its workers count (a soft update is done when one is ready).
                    const shown = await client.showDeployment(id, { signal: opts.signal }).catch(() => undefined);
                    const versionId =
                        typeof shown?.current_version_id === 'number' ? shown.current_version_id : undefined;
                    return waitForReady(client, put.endpoint_id, {
                        signal: opts.signal,
                        timeoutMs: opts.waitTimeoutMs,
                        pollMs: opts.pollMs,
                        onStatus: (text) => progress('wait', text),
                        versionId,
                        userFile: spec.file,
                        noWorkerReason: () =>
                            noMachineMessage(
                                client,
                                { searchParams: spec.searchParams, storage: spec.storage },
                                { signal: opts.signal },
                            ),
                    });
                });
            } catch (e) {
                throw new DeployError('wait', 'deployed', waitFailureMessage(id, e), e, id);
            }
        }
        timings.total = Date.now() - t0;
        return {
            name: spec.name,
            tag: spec.tag,
            deploymentId: id,
            endpointId: put.endpoint_id,
            workergroupId,
            action: put.action,
            tier: ACTION_TIER[put.action],
            uploaded: uploadAsked,
            updateWorkersTriggered: triggered,
            fileHash: pkg.fileHash,
            fileSize: pkg.fileSize,
            body,
            workers,
            warnings,
            timings,
        };
    } finally {
        settled = true;
        removeTemp();
    }
}

/**
 * Analyses `file`, picks the deployment (`name` = its `name=` or variable, when the file has several) and deploys
 * it. A file that cannot be deployed throws {@link AnalyseError} (nothing sent); later steps throw DeployError.
 */
export async function deployFile(
    client: VastClient,
    file: string,
    opts: Omit<DeployOptions, 'onProgress'> & {
        deployment?: string;
        onProgress?: (p: { step: DeployFileStep; message: string; fraction?: number }) => void;
    } = {},
): Promise<DeployResult> {
    const t0 = Date.now();
    opts.onProgress?.({ step: 'analyse', message: `Reading ${path.basename(file)}` });
    let spec: DeploymentSpec;
    try {
        if (opts.signal?.aborted) throw new CancelledError('read the deployment');
        spec = await loadDeployment(file, opts.deployment);
    } catch (e) {
        throw new AnalyseError(e);
    }
    const analyseMs = Date.now() - t0;
    const result = await deploy(client, spec, opts);
    result.timings.analyse = analyseMs;
    result.timings.total += analyseMs;
    return result;
}
