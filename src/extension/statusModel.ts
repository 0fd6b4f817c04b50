/** Derives the one state a deployment is in from what the service reported; vscode-free and pure. */
import type { DeploymentSummary } from '../shared/protocol';
import type { DeploymentStatus, RemoteDeployment, WorkerInfo } from './types';
import { plural, remoteKey } from './util';

/** The `name/tag` key a definition is deployed under; undefined when the name is not a literal. */
export function summaryRemoteKey(d: DeploymentSummary): string | undefined {
    return d.name === undefined ? undefined : remoteKey(d.name, d.tag);
}

const READY = new Set(['idle', 'ready', 'running', 'active']);
const STARTING = new Set([
    'creating',
    'created',
    'pending',
    'starting',
    'loading',
    'model_loading',
    'rebooting',
    'unknown',
]);
const STOPPED = new Set(['stopped', 'stopping', 'inactive', 'destroying']);

export function workerKind(status: string): 'ready' | 'starting' | 'updating' | 'stopped' | 'error' {
    const s = status.toLowerCase();
    if (READY.has(s)) return 'ready';
    if (s.startsWith('update')) return 'updating';
    if (s === 'error') return 'error';
    if (STOPPED.has(s)) return 'stopped';
    if (STARTING.has(s)) return 'starting';
    return 'starting';
}

export interface StatusInput {
    remote?: RemoteDeployment;
    workers?: WorkerInfo[];
    localHash?: string;
    /** An operation this window is running on it. */
    busy?: 'deploying' | 'tearingDown';
    /** Set when the service could not be asked (and so nothing is known). */
    unknownReason?: string;
    /** False until the first status answer arrived. */
    loaded: boolean;
    /** Why no worker can be created (no machine matches its requirements), when it has none. */
    noMachine?: string;
}

/** Derives the one state the tree shows; precedence: our own operation, error, stopped, updating, out of date. */
export function deriveStatus(input: StatusInput): DeploymentStatus {
    const { remote, workers, localHash } = input;
    const counts = { ready: 0, starting: 0, updating: 0, stopped: 0, error: 0 };
    for (const w of workers ?? []) counts[workerKind(w.status)]++;
    const running = counts.ready + counts.starting + counts.updating + counts.error;
    const outOfDate = !!remote && !!localHash && !!remote.fileHash && remote.fileHash !== localHash;
    const base = { readyWorkers: counts.ready, runningWorkers: running, remote, workers, outOfDate };
    const ready = `${counts.ready}/${workers?.length ?? remote?.workerCount ?? 0} ready`;
    if (input.busy === 'deploying') return { ...base, state: 'deploying', label: 'deploying…' };
    if (input.busy === 'tearingDown') return { ...base, state: 'tearingDown', label: 'tearing down…' };
    if (input.unknownReason && !remote) {
        return { ...base, state: 'unknown', label: 'status unavailable', reason: input.unknownReason };
    }
    if (!input.loaded) return { ...base, state: 'unknown', label: '' };
    if (!remote) return { ...base, state: 'notDeployed', label: 'not deployed' };
    if ((remote.endpointState ?? '').toLowerCase() === 'stopped') {
        return { ...base, state: 'stopped', label: 'stopped' };
    }
    if (counts.error > 0 && counts.ready === 0) {
        return { ...base, state: 'error', label: `error · ${plural(counts.error, 'worker')} failed` };
    }
    if (counts.updating > 0) return { ...base, state: 'updating', label: `updating · ${ready}` };
    if (outOfDate) return { ...base, state: 'outOfDate', label: `out of date · ${ready}` };
    if (counts.ready === 0 && counts.starting > 0) {
        return { ...base, state: 'deploying', label: `starting ${plural(counts.starting, 'worker')}…` };
    }
    if (workers?.length === 0 && input.noMachine) {
        return { ...base, state: 'noMachine', label: `no worker: ${input.noMachine}`, reason: input.noMachine };
    }
    if (counts.ready === 0 && workers) return { ...base, state: 'ready', label: 'deployed · no workers running' };
    return { ...base, state: 'ready', label: `ready · ${plural(counts.ready, 'worker')}` };
}
