import * as vscode from 'vscode';
import type { DeploymentRecord, WorkerRecord } from '../pipeline/api/types';
import type { DeploymentSummary } from '../shared/protocol';
import type { Connection, Connections } from './connection';
import { NoApiKeyError, UntrustedWorkspaceError } from './connection';
import { heavy } from './lazy';
import { delay, errorMessage, remoteKey, unreachableWhy } from './util';
import { deriveStatus, summaryRemoteKey, workerKind } from './statusModel';
import type { DeploymentStatus, RemoteDeployment, WorkerInfo } from './types';
import { workerFailure, type WorkerFailure } from './workerFailure';

/** Computes the local code hash of a definition (the packaging helper's hash-only path); undefined when it cannot. */
export type LocalHasher = (d: DeploymentSummary, signal: AbortSignal) => Promise<string | undefined>;

const CALL_TIMEOUT_MS = 15_000;
const MAX_BACKOFF = 8;
const FAST_POLL_MS = 2_000;
const HASH_TTL_MS = 60_000;
/** How long "no machine matches" stands before the offers are searched again (machines come and go). */
const NO_MACHINE_TTL_MS = 60_000;

export function toRemote(r: DeploymentRecord): RemoteDeployment {
    return {
        id: r.id,
        name: r.name,
        tag: r.tag ?? 'default',
        endpointState: r.endpoint_state,
        fileHash: r.file_hash,
        endpointId: typeof r.endpoint_id === 'number' ? r.endpoint_id : undefined,
        workerCount: r.worker_count,
        image: r.image,
        searchParams: r.search_params,
        storage: typeof r.storage === 'number' ? r.storage : undefined,
        createdAt: r.created_at,
        currentVersionId: r.current_version_id,
        lastHealthyVersionId: r.last_healthy_version_id,
    };
}

function toWorker(w: WorkerRecord): WorkerInfo {
    return {
        id: w.id,
        status: w.status,
        curLoad: w.cur_load,
        reqsWorking: w.reqs_working,
        startedAt: typeof w.started_at === 'number' ? w.started_at : undefined,
        statusMsg: typeof w.status_msg === 'string' && w.status_msg ? w.status_msg : undefined,
    };
}

/**
 * The status cache behind the tree and the status bar. Polls only while a view is visible (or an operation of this
 * window is running), backs off while nothing changes, and never blocks the tree: the list comes in one call, then
 * each deployment's workers and local hash arrive independently and fire their own change.
 */
export class StatusService implements vscode.Disposable {
    private remotes = new Map<string, RemoteDeployment>();
    private workers = new Map<string, WorkerInfo[]>();
    private hashes = new Map<string, { uri: string; mtime: number; hash: string | undefined; at: number }>();
    private busy = new Map<string, 'deploying' | 'tearingDown'>();
    /** Per deployment with no worker: whether any machine matches its search_params, and when that was asked. */
    private noMachines = new Map<string, { searchParams: string; reason: string | undefined; at: number }>();
    private loaded = false;
    private unknownReason: string | undefined;
    private generation = 0;
    private connectionId = 0;
    private visible = false;
    private backoff = 1;
    private loop?: AbortController;
    private wake?: () => void;
    private summaries: readonly DeploymentSummary[] = [];
    private readonly changed = new vscode.EventEmitter<string[] | undefined>();
    /** Remote keys whose status changed; undefined = everything. */
    readonly onDidChange = this.changed.event;
    /** Milliseconds of the last full poll, for the log and the suite. */
    lastPollMs = 0;
    /** Which worker the local emulator runs (undefined on Vast.ai, or before the first poll). */
    workerRuntime: string | undefined;
    polls = 0;

    constructor(
        private readonly connections: Connections,
        private readonly log: vscode.LogOutputChannel,
        private readonly baseIntervalMs: () => number,
        private readonly hasher: LocalHasher,
    ) {
        connections.onDidChange(() => this.clear());
    }

    /** The definitions the tree shows (their hashes are computed when deployed). */
    setSummaries(summaries: readonly DeploymentSummary[]): void {
        this.summaries = summaries;
        this.poke();
    }

    /** Whether a view that shows status is on screen. */
    setVisible(visible: boolean): void {
        this.visible = visible;
        this.ensureLoop();
        if (visible) this.poke();
    }

    /** Poll now and reset the backoff (refresh, after an operation). */
    poke(): void {
        this.backoff = 1;
        this.wake?.();
    }

    setBusy(key: string, op: 'deploying' | 'tearingDown' | undefined): void {
        if (op) this.busy.set(key, op);
        else this.busy.delete(key);
        this.ensureLoop();
        this.changed.fire([key]);
    }

    get(d: DeploymentSummary): DeploymentStatus {
        const key = summaryRemoteKey(d);
        if (key === undefined) return deriveStatus({ loaded: false });
        const remote = this.remotes.get(key);
        return deriveStatus({
            remote,
            workers: this.workers.get(key),
            localHash: this.hashes.get(hashKey(d))?.hash,
            busy: this.busy.get(key),
            unknownReason: this.unknownReason,
            loaded: this.loaded,
            noMachine: this.noMachineReason(key, remote),
        });
    }

    /** Why the workers of `d` failed, mapped to its file; undefined unless they all failed. */
    failureOf(d: DeploymentSummary): WorkerFailure | undefined {
        return workerFailure(this.get(d), vscode.Uri.parse(d.uri).fsPath);
    }

    getRemote(r: RemoteDeployment): DeploymentStatus {
        const key = remoteKey(r.name, r.tag);
        return deriveStatus({
            remote: r,
            workers: this.workers.get(key),
            busy: this.busy.get(key),
            loaded: true,
            noMachine: this.noMachineReason(key, r),
        });
    }

    /** Every deployment on the account (for "Not in this workspace"); undefined until the first answer. */
    allRemotes(): RemoteDeployment[] | undefined {
        return this.loaded ? [...this.remotes.values()] : undefined;
    }

    /** The remote keys (name/tag) the current target has; undefined until the first answer. */
    deployedKeys(): string[] | undefined {
        return this.loaded ? [...this.remotes.keys()] : undefined;
    }

    private firstLoad?: Promise<boolean>;

    /**
     * One poll when nothing is known yet and no view polls (the editor's lenses need to know what is deployed). Not
     * retried while the target is known to be unavailable: the views' polling and Refresh do that.
     */
    ensureLoaded(): void {
        if (this.loaded || this.loop || this.firstLoad || this.unknownReason !== undefined) return;
        if (!vscode.workspace.isTrusted) return;
        this.firstLoad = this.refresh().finally(() => (this.firstLoad = undefined));
    }

    /** Whether the account has a deployment under this remote key (name and tag). */
    hasRemote(key: string): boolean {
        return this.remotes.has(key);
    }

    /**
     * A file was saved: hash its deployed definitions now, so "out of date" shows within a second instead of at the
     * next poll.
     */
    async fileSaved(uri: string): Promise<void> {
        const signal = AbortSignal.timeout(CALL_TIMEOUT_MS);
        await Promise.all(
            this.summaries.map(async (d) => {
                const key = summaryRemoteKey(d);
                if (d.uri !== uri || key === undefined || !this.remotes.has(key)) return;
                this.hashes.delete(hashKey(d));
                await this.refreshHash(d, key, signal);
            }),
        );
    }

    findRemote(name: string, tag: string): RemoteDeployment | undefined {
        return this.remotes.get(remoteKey(name, tag));
    }

    /** Ready workers across the account. */
    readyWorkers(): number {
        let n = 0;
        for (const ws of this.workers.values()) for (const w of ws) if (workerKind(w.status) === 'ready') n++;
        return n;
    }

    get reason(): string | undefined {
        return this.unknownReason;
    }

    isLoaded(): boolean {
        return this.loaded;
    }

    /** Drops everything (target, URLs or key changed). */
    clear(): void {
        // A poll of the previous target still in flight must not leave its error behind.
        this.generation++;
        this.remotes.clear();
        this.workers.clear();
        this.noMachines.clear();
        this.loaded = false;
        this.unknownReason = undefined;
        this.changed.fire(undefined);
        this.poke();
    }

    /** One full poll: the list, then workers and local hashes per deployment as they come. Never throws. */
    async refresh(signal: AbortSignal = new AbortController().signal): Promise<boolean> {
        const t0 = performance.now();
        const generation = this.generation;
        let conn: Connection;
        try {
            conn = await this.connections.get();
        } catch (err) {
            return generation === this.generation && this.setUnknown(reasonFor(err));
        }
        if (conn.id !== this.connectionId) {
            this.connectionId = conn.id;
            this.workerRuntime = conn.workers;
            this.remotes.clear();
            this.workers.clear();
        }
        let records: DeploymentRecord[];
        try {
            records = await conn.client.listDeployments({ signal: timeoutSignal(signal, CALL_TIMEOUT_MS) });
        } catch (err) {
            if (signal.aborted || generation !== this.generation) return false;
            this.log.warn(`Status: ${errorMessage(err)}`);
            return this.setUnknown(reasonFor(err, conn));
        }
        if (generation !== this.generation) return false;
        const next = new Map(records.map((r) => [remoteKey(r.name, r.tag ?? 'default'), toRemote(r)]));
        const changedKeys = diffKeys(this.remotes, next);
        const wasLoaded = this.loaded;
        this.remotes = next;
        for (const k of [...this.workers.keys()]) if (!next.has(k)) this.workers.delete(k);
        this.loaded = true;
        const hadReason = this.unknownReason !== undefined;
        this.unknownReason = undefined;
        if (!wasLoaded || hadReason) this.changed.fire(undefined);
        else if (changedKeys.length) this.changed.fire(changedKeys);

        // Per item, in parallel: a slow endpoint only delays its own row.
        const jobs: Promise<boolean>[] = [];
        for (const [key, remote] of next) jobs.push(this.refreshWorkers(conn, key, remote, signal));
        for (const d of this.summaries) {
            const key = summaryRemoteKey(d);
            if (key !== undefined && next.has(key)) jobs.push(this.refreshHash(d, key, signal));
        }
        const results = await Promise.all(jobs);
        this.lastPollMs = performance.now() - t0;
        this.polls++;
        return !wasLoaded || hadReason || changedKeys.length > 0 || results.some(Boolean);
    }

    private async refreshWorkers(
        conn: Connection,
        key: string,
        remote: RemoteDeployment,
        signal: AbortSignal,
    ): Promise<boolean> {
        try {
            const id = await this.endpointIdOf(conn, remote, signal);
            if (id === undefined) return false;
            const ws = (await conn.client.getEndpointWorkers(id, { signal: timeoutSignal(signal, CALL_TIMEOUT_MS) }))
                .map(toWorker)
                .sort((a, b) => String(a.id).localeCompare(String(b.id), undefined, { numeric: true }));
            const before = this.workers.get(key);
            const machinesChanged = ws.length === 0 && (await this.refreshNoMachine(conn, key, remote, signal));
            if (sameWorkers(before, ws) && !machinesChanged) return false;
            this.workers.set(key, ws);
            this.changed.fire([key]);
            return true;
        } catch (err) {
            if (!signal.aborted) this.log.debug(`Workers of ${remote.name}: ${errorMessage(err)}`);
            return false;
        }
    }

    /** The reason no worker can be created, while it is known for the search_params deployed now. */
    private noMachineReason(key: string, remote: RemoteDeployment | undefined): string | undefined {
        const known = this.noMachines.get(key);
        return known && remote?.searchParams === known.searchParams ? known.reason : undefined;
    }

    /**
     * A deployment with no worker: asks the offers whether any machine matches its requirements (at most once a
     * minute per deployment), as a Vast endpoint with none waits, billing nothing, rather than failing. Says whether
     * the answer changed.
     */
    private async refreshNoMachine(
        conn: Connection,
        key: string,
        remote: RemoteDeployment,
        signal: AbortSignal,
    ): Promise<boolean> {
        const searchParams = remote.searchParams;
        if (searchParams === undefined || (remote.endpointState ?? '').toLowerCase() === 'stopped') return false;
        const known = this.noMachines.get(key);
        if (known?.searchParams === searchParams && Date.now() - known.at < NO_MACHINE_TTL_MS) return false;
        const reason = await heavy().noMachineMessage(
            conn.client,
            { searchParams, storage: remote.storage ?? 50 },
            { signal: timeoutSignal(signal, CALL_TIMEOUT_MS) },
        );
        this.noMachines.set(key, { searchParams, reason, at: Date.now() });
        return reason !== known?.reason;
    }

    private endpointIds = new Map<string | number, number>();

    private async endpointIdOf(
        conn: Connection,
        r: RemoteDeployment,
        signal: AbortSignal,
    ): Promise<number | undefined> {
        if (r.endpointId !== undefined) return r.endpointId;
        const known = this.endpointIds.get(r.id);
        if (known !== undefined) return known;
        const rec = await conn.client.showDeployment(Number(r.id), { signal: timeoutSignal(signal, CALL_TIMEOUT_MS) });
        if (typeof rec.endpoint_id !== 'number') return undefined;
        this.endpointIds.set(r.id, rec.endpoint_id);
        return rec.endpoint_id;
    }

    private async refreshHash(d: DeploymentSummary, key: string, signal: AbortSignal): Promise<boolean> {
        const hk = hashKey(d);
        let mtime = 0;
        try {
            mtime = (await vscode.workspace.fs.stat(vscode.Uri.parse(d.uri))).mtime;
        } catch {
            return false;
        }
        const cached = this.hashes.get(hk);
        // The .py changed: re-hash now. Copied files (image.copy) can change without it: re-hash those once a minute,
        // so a large copied model directory is not read on every poll.
        if (cached && cached.mtime === mtime && Date.now() - cached.at < HASH_TTL_MS) return false;
        let hash: string | undefined;
        try {
            hash = await this.hasher(d, signal);
        } catch (err) {
            this.log.debug(`Hash of ${d.name ?? d.uri}: ${errorMessage(err)}`);
            hash = undefined;
        }
        this.hashes.set(hk, { uri: d.uri, mtime, hash, at: Date.now() });
        if (cached?.hash === hash) return false;
        this.changed.fire([key]);
        return true;
    }

    private setUnknown(reason: string): boolean {
        const changed = reason !== this.unknownReason;
        this.unknownReason = reason;
        if (changed) this.changed.fire(undefined);
        return changed;
    }

    private ensureLoop(): void {
        const wanted = this.visible || this.busy.size > 0;
        if (wanted && !this.loop) {
            const ac = new AbortController();
            this.loop = ac;
            void this.run(ac.signal);
        } else if (!wanted && this.loop) {
            this.loop.abort();
            this.loop = undefined;
        }
    }

    private async run(signal: AbortSignal): Promise<void> {
        while (!signal.aborted) {
            const changed = await this.refresh(signal);
            this.backoff = changed ? 1 : Math.min(this.backoff * 2, MAX_BACKOFF);
            const transient = this.busy.size > 0 || [...this.workers.values()].some((ws) => ws.some(isTransient));
            const wait = transient ? FAST_POLL_MS : this.baseIntervalMs() * this.backoff;
            await new Promise<void>((resolve) => {
                const t = setTimeout(done, wait);
                function done(): void {
                    clearTimeout(t);
                    resolve();
                }
                this.wake = done;
                signal.addEventListener('abort', done, { once: true });
            });
            this.wake = undefined;
        }
    }

    /** Waits (polling the service) until `check` holds for the status of `d`, or the signal aborts. */
    async waitFor(check: () => boolean, signal: AbortSignal, intervalMs = 1000): Promise<void> {
        while (!check()) {
            await this.refresh(signal);
            if (check()) return;
            await delay(intervalMs, signal);
        }
    }

    dispose(): void {
        this.loop?.abort();
        this.changed.dispose();
    }
}

function isTransient(w: WorkerInfo): boolean {
    const k = workerKind(w.status);
    return k === 'starting' || k === 'updating';
}

function hashKey(d: DeploymentSummary): string {
    return `${d.uri}#${d.name ?? ''}#${d.tag ?? ''}`;
}

function reasonFor(err: unknown, conn?: Connection): string {
    if (err instanceof NoApiKeyError) return 'no API key';
    if (err instanceof UntrustedWorkspaceError) return 'workspace not trusted';
    const status = (err as { status?: unknown }).status;
    if (status === 401 || status === 403) return `API key rejected (HTTP ${status})`;
    const why = unreachableWhy(err, CALL_TIMEOUT_MS);
    if (why && conn) {
        const who = conn.target === 'local' ? 'the local emulator' : 'Vast.ai';
        return `${who} is unreachable (${hostOf(conn.webserverUrl)}): ${why}`;
    }
    return errorMessage(err);
}

function hostOf(url: string): string {
    try {
        return new URL(url).host;
    } catch {
        return url;
    }
}

function timeoutSignal(parent: AbortSignal, ms: number): AbortSignal {
    return AbortSignal.any([parent, AbortSignal.timeout(ms)]);
}

function diffKeys(a: Map<string, RemoteDeployment>, b: Map<string, RemoteDeployment>): string[] {
    const out: string[] = [];
    for (const [k, v] of b) if (JSON.stringify(a.get(k)) !== JSON.stringify(v)) out.push(k);
    for (const k of a.keys()) if (!b.has(k)) out.push(k);
    return out;
}

function sameWorkers(a: WorkerInfo[] | undefined, b: WorkerInfo[]): boolean {
    if (!a || a.length !== b.length) return false;
    return a.every((w, i) => w.id === b[i]?.id && w.status === b[i]?.status && w.statusMsg === b[i]?.statusMsg);
}
