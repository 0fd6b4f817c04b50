/**
 * Serve on save: deploy a file to the local emulator, then redeploy it on every save of the file or of a path it
 * copies (a code change is a soft update), and stream the worker log. A save that does not load (spec errors,
 * anything the refusal gate refuses) is not deployed: the session says why and keeps the last good version.
 * Ready means a worker of the version just deployed is ready, not the old one still serving. vscode-free: the CLI's
 * `serve` and the editor's "Serve Locally" both drive a ServeSession.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { VastClient } from '../api/client';
import { isReadyWorkerStatus, type WorkerRecord } from '../api/types';
import type { DeploymentSpec } from '../packaging';
import { logLines, newLines } from '../../shared/logLines';
import { deploy, type DeployResult } from './deploy';
import { loadDeployment, SpecLoadError } from './load';

export type ServeEvent =
    | { kind: 'deploying'; reason: 'start' | 'save'; changed?: string }
    | {
          kind: 'ready';
          name: string;
          action: string;
          /** From the save (or the start) to a ready worker of the new version. */
          readyMs: number;
          versionId?: number;
          endpointId: number;
          at: Date;
      }
    | { kind: 'refused'; reason: string; problems: string[]; at: Date }
    | { kind: 'failed'; message: string; at: Date }
    | { kind: 'log'; line: string };

export interface ServeOptions {
    client: VastClient;
    file: string;
    deployment?: string;
    onEvent: (e: ServeEvent) => void;
    /** Quiet time after a change before redeploying (editors write a file in several steps). Default 30 ms. */
    debounceMs?: number;
    /** Worker log poll interval; 0 turns log streaming off. Default 500 ms. */
    logPollMs?: number;
    /** Give up waiting for a ready worker after this long. Default 120 s. */
    readyTimeoutMs?: number;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
        const done = () => {
            clearTimeout(t);
            signal.removeEventListener('abort', done);
            resolve();
        };
        const t = setTimeout(done, ms);
        signal.addEventListener('abort', done, { once: true });
    });

/** One serving session; `start()` deploys and starts watching, `stop()` ends it (the deployment stays). */
export class ServeSession {
    private readonly ctrl = new AbortController();
    private watchers: fs.FSWatcher[] = [];
    private watched = new Set<string>();
    private pending?: { changed: string; at: number };
    private running?: Promise<void>;
    private debounce?: NodeJS.Timeout;
    private endpointId?: number;
    /** The last successful deploy. */
    last?: DeployResult;
    readonly file: string;

    constructor(private readonly opts: ServeOptions) {
        this.file = path.resolve(opts.file);
    }

    get stopped(): boolean {
        return this.ctrl.signal.aborted;
    }

    /** Deploys once and waits for a ready worker, then watches. Resolves after the first deploy (ok or not). */
    async start(): Promise<void> {
        this.watch([this.file]);
        await this.cycle('start', this.file, Date.now());
        if ((this.opts.logPollMs ?? 500) > 0) void this.streamLogs();
    }

    async stop(): Promise<void> {
        this.ctrl.abort();
        clearTimeout(this.debounce);
        for (const w of this.watchers) w.close();
        this.watchers = [];
        await this.running?.catch(() => undefined);
    }

    /** Called on a change of a watched path; coalesces bursts and saves made while a deploy runs. */
    changed(p: string): void {
        if (this.stopped) return;
        this.pending = { changed: p, at: this.pending?.at ?? Date.now() };
        clearTimeout(this.debounce);
        this.debounce = setTimeout(() => void this.drain(), this.opts.debounceMs ?? 30);
    }

    private async drain(): Promise<void> {
        if (this.running || !this.pending || this.stopped) return;
        const { changed, at } = this.pending;
        this.pending = undefined;
        this.running = this.cycle('save', changed, at);
        await this.running;
        this.running = undefined;
        if (this.pending) void this.drain();
    }

    /** Watches a file through its folder (editors save by rename), or a copied folder recursively. */
    private watch(paths: string[]): void {
        for (const p of paths) {
            if (this.watched.has(p)) continue;
            this.watched.add(p);
            let isDir = false;
            try {
                isDir = fs.statSync(p).isDirectory();
            } catch {
                // A copied path that does not exist yet: the spec check reports it.
                continue;
            }
            try {
                const w = isDir
                    ? fs.watch(p, { recursive: true }, (_e, name) =>
                          this.changed(name ? path.join(p, String(name)) : p),
                      )
                    : fs.watch(path.dirname(p), (_e, name) => {
                          if (name && path.join(path.dirname(p), String(name)) === p) this.changed(p);
                      });
                w.on('error', () => undefined);
                this.watchers.push(w);
            } catch {
                // Unwatchable (too many watches): the file itself is still watched.
            }
        }
    }

    private async cycle(reason: 'start' | 'save', changed: string, savedAt: number): Promise<void> {
        const { onEvent } = this.opts;
        const signal = this.ctrl.signal;
        let spec: DeploymentSpec;
        try {
            // The refusal gate Deploy and the CLI use: what the SDK or a worker would fail on is never deployed.
            spec = await loadDeployment(this.file, this.opts.deployment, { refuseErrors: true });
        } catch (e) {
            const problems = e instanceof SpecLoadError ? e.problems : [];
            const first = problems[0] ?? (e as Error).message.split('\n')[0]!;
            onEvent({ kind: 'refused', reason: first, problems, at: new Date() });
            return;
        }
        this.watch(spec.copies.map((c) => path.resolve(path.dirname(this.file), c.src)));
        onEvent({ kind: 'deploying', reason, changed });
        try {
            const r = await deploy(this.opts.client, spec, { signal, allowSecrets: false });
            this.last = r;
            this.endpointId = r.endpointId;
            const versionId = await this.waitForVersion(r);
            if (signal.aborted) return;
            onEvent({
                kind: 'ready',
                name: r.name,
                action: r.action,
                readyMs: Date.now() - savedAt,
                versionId,
                endpointId: r.endpointId,
                at: new Date(),
            });
        } catch (e) {
            if (!signal.aborted) onEvent({ kind: 'failed', message: (e as Error).message, at: new Date() });
        }
    }

    /** Polls until a worker of the deployment's current version is ready; returns that version id. */
    private async waitForVersion(r: DeployResult): Promise<number | undefined> {
        const signal = this.ctrl.signal;
        const client = this.opts.client;
        const record = await client.showDeployment(r.deploymentId, { signal });
        const version = typeof record.current_version_id === 'number' ? record.current_version_id : undefined;
        const deadline = Date.now() + (this.opts.readyTimeoutMs ?? 120_000);
        for (let interval = 20; !signal.aborted; interval = Math.min(interval * 1.5, 250)) {
            const workers = await client.getEndpointWorkers(r.endpointId, { signal });
            if (workers.some((w) => readyOn(w, version))) return version;
            const broken = workers.find((w) => w.status === 'ERROR' && versionOf(w) === version);
            if (broken) throw new Error(`the new version's worker failed: ${String(broken.status_msg ?? 'ERROR')}`);
            if (Date.now() > deadline) throw new Error('no worker of the new version became ready in time');
            await sleep(interval, signal);
        }
        return version;
    }

    private async streamLogs(): Promise<void> {
        const signal = this.ctrl.signal;
        let seen: string[] = [];
        while (!signal.aborted) {
            await sleep(this.opts.logPollMs ?? 500, signal);
            if (signal.aborted || this.endpointId === undefined) continue;
            try {
                const lines = logLines(await this.opts.client.getEndpointLogs(this.endpointId, { signal }));
                for (const line of newLines(seen, lines)) this.opts.onEvent({ kind: 'log', line });
                seen = lines.slice(-50);
            } catch {
                // The next poll tries again; a log hiccup never stops serving.
            }
        }
    }
}

function versionOf(w: WorkerRecord): number | undefined {
    const v = w.deployment_version_id;
    return typeof v === 'number' ? v : undefined;
}

/** Ready on the version (any ready worker when the server does not say which version a worker runs). */
function readyOn(w: WorkerRecord, version: number | undefined): boolean {
    if (!isReadyWorkerStatus(w.status)) return false;
    const v = versionOf(w);
    return version === undefined || v === undefined || v === version;
}

/** Syntax errors of the file as `file:line:col: syntax error` lines (Python would refuse to import it). */
