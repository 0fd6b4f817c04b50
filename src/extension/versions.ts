import * as vscode from 'vscode';
import { readVersions } from '../pipeline/run/versions';
import type { Connections } from './connection';
import type { RemoteDeployment } from './types';
import { errorMessage, remoteKey, unreachableWhy } from './util';
import type { VersionsView } from './views/versionWords';

const TIMEOUT_MS = 15_000;
/** Versions change only when someone deploys; a deploy from here changes the stamp below at once. */
const FRESH_MS = 30_000;

interface Entry {
    stamp: string;
    view: VersionsView;
    at: number;
    loading?: Promise<void>;
}

/**
 * Each deployed deployment's versions for the tree, fetched when its "Versions" row is shown and again when its
 * record changes (a deploy, a worker becoming ready) or after a while. Never blocks the tree: it shows "loading…",
 * then the rows or the reason they are unavailable (every fetch has a time limit).
 */
export class VersionsService implements vscode.Disposable {
    private entries = new Map<string, Entry>();
    private generation = 0;
    private readonly changed = new vscode.EventEmitter<string[]>();
    /** Remote keys whose versions changed. */
    readonly onDidChange = this.changed.event;
    private readonly disposables: vscode.Disposable[] = [this.changed];

    constructor(
        private readonly connections: Connections,
        private readonly log: vscode.LogOutputChannel,
    ) {
        this.disposables.push(
            connections.onDidChange(() => {
                this.generation++;
                this.entries.clear();
            }),
        );
    }

    /** The versions known now; fetches when missing, stale or the deployment's record changed. */
    peek(remote: RemoteDeployment): VersionsView {
        const key = remoteKey(remote.name, remote.tag);
        const stamp = [
            remote.id,
            remote.fileHash,
            remote.currentVersionId,
            remote.lastHealthyVersionId,
            remote.workerCount,
        ].join(':');
        const e = this.entries.get(key);
        const stale = !e || e.stamp !== stamp || Date.now() - e.at > FRESH_MS;
        if (stale && !e?.loading) this.fetch(key, stamp, remote, e);
        return this.entries.get(key)!.view;
    }

    private fetch(key: string, stamp: string, remote: RemoteDeployment, old: Entry | undefined): void {
        const generation = this.generation;
        const entry: Entry = { stamp, view: old?.view ?? { kind: 'loading' }, at: old?.at ?? 0 };
        entry.loading = (async () => {
            let view: VersionsView;
            try {
                const conn = await this.connections.get();
                const id = Number(remote.id);
                const data = await readVersions(conn.client, id, { signal: AbortSignal.timeout(TIMEOUT_MS) });
                view = { kind: 'ok', data };
            } catch (err) {
                this.log.warn(`Versions of ${remote.name}: ${errorMessage(err)}`);
                const why = unreachableWhy(err, TIMEOUT_MS);
                view = { kind: 'error', reason: why ?? errorMessage(err).slice(0, 120) };
            }
            if (generation !== this.generation) return;
            this.entries.set(key, { stamp, view, at: Date.now() });
            this.changed.fire([key]);
        })();
        this.entries.set(key, entry);
    }

    dispose(): void {
        for (const d of this.disposables) d.dispose();
    }
}
