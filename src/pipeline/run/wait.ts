/**
 * Waiting for a deployment's first ready worker of the new version, with a status line per poll; stops at once when
 * every worker of that version has failed, with the worker's exception mapped to the user's file.
 */
import type { VastClient } from '../api/client';
import { ApiError, CancelledError } from '../api/errors';
import { isReadyWorkerStatus, type WorkerRecord } from '../api/types';
import { isLoopbackUrl } from '../api/urls';
import { deploymentBase, formatLocation, lastExceptionLine, mapTraceback, type SourceLocation } from './traceback';
import { describeWorkers } from '../../shared/workerStates';

export interface WaitOptions {
    signal?: AbortSignal;
    /** Default 15 minutes (image pulls are slow). */
    timeoutMs?: number;
    /** First poll interval; backs off ×1.5 up to 4× while nothing changes. Default 5 s, 100 ms on loopback. */
    pollMs?: number;
    onStatus?: (text: string, workers: WorkerRecord[]) => void;
    /**
     * The version just deployed: only a ready worker running it counts (a soft update is done when a new-code worker
     * is ready), and only its workers' failures stop the wait. Ignored when worker records carry no version.
     */
    versionId?: number;
    /** The user's deployment file, to map worker tracebacks (`deployment.py` → this path). */
    userFile?: string;
    /**
     * Asked once, when the endpoint has no worker at all: why none can be created (no machine matches), which ends the
     * wait at once instead of at its timeout.
     */
    noWorkerReason?: () => Promise<string | undefined>;
}

/** No worker can be created for the deployment (no machine matches its requirements): waiting would never end. */
export class NoWorkerPossibleError extends Error {
    constructor(readonly reason: string) {
        super(reason);
        this.name = 'NoWorkerPossibleError';
    }
}

/** Every worker of the new version failed: the first one's message, its traceback mapped to the user's file. */
export class WorkerStartupError extends Error {
    constructor(
        readonly workerId: number,
        /** The worker's message, mapped (first line: the exception). */
        readonly detail: string,
        readonly location: SourceLocation | undefined,
        readonly failed: number,
        /** Where `location` is shown relative to (the deployment's folder). */
        base?: string,
    ) {
        const first = detail.split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
        const exc = lastExceptionLine(detail) ?? first;
        super(`worker ${workerId} failed to start: ${exc}${location ? ` (${formatLocation(location, base)})` : ''}`);
        this.name = 'WorkerStartupError';
    }
}

function versionOf(w: WorkerRecord): number | undefined {
    const v = w.deployment_version_id;
    return typeof v === 'number' ? v : undefined;
}

/** What a starting worker says it is doing (the emulator's `installing pip packages: ...`), on one short line. */
function progressNote(workers: WorkerRecord[]): string {
    const msg = workers.find((w) => !isFailed(w) && !isReadyWorkerStatus(w.status) && w.status_msg)?.status_msg;
    if (typeof msg !== 'string') return '';
    const line = msg.split('\n')[0]!.trim();
    return line ? ` (${line.length > 100 ? `${line.slice(0, 99)}…` : line})` : '';
}

const isFailed = (w: WorkerRecord): boolean => (w.status ?? '').toLowerCase() === 'error';

/** Polls `/get_endpoint_workers/` until one worker is ready. Resolves with the workers; rejects on timeout. */
export async function waitForReady(
    client: VastClient,
    endpointId: number,
    opts: WaitOptions = {},
): Promise<WorkerRecord[]> {
    const timeoutMs = opts.timeoutMs ?? 15 * 60_000;
    // A local emulator answers in microseconds and workers start in about a second: poll it fast.
    const base = opts.pollMs ?? (isLoopbackUrl(client.autoscalerUrl) ? 100 : 5000);
    const started = Date.now();
    let interval = base;
    let last = '';
    let askedWhy = false;
    // Slept time counts too, so an injected instant sleep (tests) still reaches the timeout.
    let slept = 0;
    const elapsed = () => Math.max(Date.now() - started, slept);
    for (;;) {
        const workers = await client.getEndpointWorkers(endpointId, { signal: opts.signal });
        const text = describeWorkers(workers);
        const tracked = workers.some((w) => versionOf(w) !== undefined) && opts.versionId !== undefined;
        const mine = tracked ? workers.filter((w) => versionOf(w) === opts.versionId) : workers;
        if (workers.length === 0 && opts.noWorkerReason && !askedWhy) {
            askedWhy = true;
            const why = await opts.noWorkerReason();
            if (why) throw new NoWorkerPossibleError(why);
        }
        opts.onStatus?.(`Waiting for a ready worker: ${text}${progressNote(mine)}`, workers);
        if (mine.some((w) => isReadyWorkerStatus(w.status))) return workers;
        if (mine.length > 0 && mine.every(isFailed)) {
            const w = mine[0]!;
            const raw = typeof w.status_msg === 'string' && w.status_msg ? w.status_msg : 'no message from the worker';
            const mapped = opts.userFile ? mapTraceback(raw, opts.userFile) : { text: raw, location: undefined };
            const base = opts.userFile ? deploymentBase(opts.userFile) : undefined;
            throw new WorkerStartupError(w.id, mapped.text, mapped.location, mine.length, base);
        }
        interval = text === last ? Math.min(interval * 1.5, base * 4) : base;
        last = text;
        if (elapsed() + interval > timeoutMs) {
            throw new ApiError({
                kind: 'timeout',
                what: 'wait for a ready worker',
                serverMessage: `no worker ready after ${Math.round(elapsed() / 1000)}s (${text})`,
            });
        }
        try {
            await client.transport.sleep(interval, opts.signal);
            slept += interval;
        } catch {
            throw new CancelledError('wait for a ready worker');
        }
    }
}
