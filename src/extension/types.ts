/**
 * The types the extension's layers pass to each other (commands, views, status, logs, state). They live here, below
 * all of them, so imports point one way: views and commands import services and these types, never each other's.
 */
import type { BenchmarkStats } from '../shared/benchmarkStats';

/** A deployment as the service reports it (mapped from the API client's records). */
export interface RemoteDeployment {
    id: number | string;
    name: string;
    tag: string;
    endpointId?: number;
    endpointState?: string;
    fileHash?: string;
    workerCount?: number;
    image?: string;
    searchParams?: string;
    /** GB of disk each worker asks for (the offers search filters on it). */
    storage?: number;
    createdAt?: number | string;
    /** When the list carries them: a change means the versions shown are out of date. */
    currentVersionId?: number | null;
    lastHealthyVersionId?: number | null;
}

/** A worker as `/get_endpoint_workers/` reports it; `status` is free-form (protocol §8). */
export interface WorkerInfo {
    id: number | string;
    status: string;
    curLoad?: number;
    reqsWorking?: number;
    /** Seconds since the epoch the worker started (when the service says). */
    startedAt?: number;
    /** A failed worker's message: its exception and traceback, as the worker reported it (paths not mapped). */
    statusMsg?: string;
}

export type DeployState =
    | 'unknown'
    | 'notDeployed'
    | 'deploying'
    | 'tearingDown'
    | 'ready'
    | 'updating'
    | 'stopped'
    | 'error'
    | 'outOfDate'
    /** Deployed, no worker, and no machine matches its requirements: it waits (billing nothing) until one does. */
    | 'noMachine';

export interface DeploymentStatus {
    state: DeployState;
    /** Short text after the name in the tree. */
    label: string;
    readyWorkers: number;
    runningWorkers: number;
    remote?: RemoteDeployment;
    workers?: WorkerInfo[];
    /** True when the local code hash differs from the deployed `file_hash`. */
    outOfDate: boolean;
    /** Why the status is unknown (no key, service unreachable...). */
    reason?: string;
}

/** What every command resolves to, so callers (the suite, webview buttons) can tell what happened. */
export interface CommandResult {
    ok: boolean;
    /** What the user was told (or would have been). */
    message: string;
    cancelled?: boolean;
    [k: string]: unknown;
}

export type Cmd = (...args: unknown[]) => Promise<CommandResult>;

/** An operation in flight, for cancellation by the user (or the suite) and for the tree's "deploying…". */
export interface RunningOperation {
    kind: 'deploy' | 'benchmark';
    step: string;
    abort: AbortController;
}

/** One benchmark run as kept in workspaceState (JSON). */
export interface BenchmarkRecord {
    name: string;
    tag: string;
    target: 'local' | 'vast';
    /** The benchmark function. */
    function: string;
    /** ISO time the run finished. */
    at: string;
    concurrency?: number;
    stats: BenchmarkStats;
    /** Per call, in start order: total latency (ms) and whether it succeeded. */
    calls: { ms: number; ok: boolean; routeMs?: number; workerMs?: number }[];
}
