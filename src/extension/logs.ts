import * as vscode from 'vscode';
import type { Connection } from './connection';
import { logLines, newLines } from '../shared/logLines';
import type { RemoteDeployment } from './types';
import { displayName, errorMessage } from './util';

const POLL_MS = 2_000;
const TAIL = 500;
/** Stop streaming a channel nobody looks at after this long (when visibility cannot be observed). */
const MAX_UNSEEN_MS = 10 * 60_000;

interface Stream {
    channel: vscode.OutputChannel;
    seen: string[];
    timer?: NodeJS.Timeout;
    startedAt: number;
    everVisible: boolean;
    abort?: AbortController;
}

/**
 * Per-deployment output channels ("Vast Logs: name"), streamed while they are on screen: the output view's editor is
 * watched, and a channel nobody has looked at for a while stops polling. Show Logs starts it again.
 */
export class LogStreams implements vscode.Disposable {
    private readonly streams = new Map<string, Stream>();

    constructor(private readonly log: vscode.LogOutputChannel) {}

    show(conn: Connection, remote: RemoteDeployment): vscode.OutputChannel {
        const key = `${remote.id}`;
        let s = this.streams.get(key);
        if (!s) {
            const channel = vscode.window.createOutputChannel(
                `Vast Logs: ${displayName(remote.name, remote.tag)}`,
                'log',
            );
            s = { channel, seen: [], startedAt: Date.now(), everVisible: false };
            this.streams.set(key, s);
        }
        s.channel.show(true);
        s.startedAt = Date.now();
        if (!s.timer) void this.tick(key, conn, remote);
        return s.channel;
    }

    /** Lines shown so far for a deployment (for the suite). */
    linesOf(remoteId: number | string): readonly string[] {
        return this.streams.get(`${remoteId}`)?.seen ?? [];
    }

    private visible(s: Stream): boolean {
        const name = s.channel.name;
        return vscode.window.visibleTextEditors.some(
            (e) => e.document.uri.scheme === 'output' && decodeURIComponent(e.document.uri.toString()).includes(name),
        );
    }

    private async tick(key: string, conn: Connection, remote: RemoteDeployment): Promise<void> {
        const s = this.streams.get(key);
        if (!s) return;
        s.timer = undefined;
        const visible = this.visible(s);
        if (visible) s.everVisible = true;
        const keepGoing = s.everVisible
            ? visible || Date.now() - s.startedAt < 15_000
            : Date.now() - s.startedAt < MAX_UNSEEN_MS;
        if (!keepGoing) {
            s.channel.appendLine(`[vast-deployments] stopped streaming (hidden); run "Vast.ai: Show Logs" to resume`);
            return;
        }
        s.abort = new AbortController();
        try {
            const endpointId =
                remote.endpointId ??
                (await conn.client.showDeployment(Number(remote.id), { signal: s.abort.signal })).endpoint_id;
            if (endpointId === undefined) throw new Error('the deployment has no endpoint yet');
            const answer = await conn.client.getEndpointLogs(endpointId, { tail: TAIL, signal: s.abort.signal });
            const lines = logLines(answer);
            const fresh = newLines(s.seen, lines);
            if (fresh.length) s.channel.append(fresh.join('\n') + '\n');
            s.seen = [...s.seen, ...fresh].slice(-TAIL);
        } catch (err) {
            if (s.abort.signal.aborted) return;
            const status = (err as { status?: unknown }).status;
            if (status === 404) {
                s.channel.appendLine('[vast-deployments] the deployment is gone; streaming stopped');
                return;
            }
            this.log.debug(`Logs of ${remote.name}: ${errorMessage(err)}`);
        }
        if (this.streams.get(key) === s) s.timer = setTimeout(() => void this.tick(key, conn, remote), POLL_MS);
    }

    /** Stops a deployment's stream (after tear down). */
    stop(remoteId: number | string): void {
        const s = this.streams.get(`${remoteId}`);
        if (!s) return;
        if (s.timer) clearTimeout(s.timer);
        s.timer = undefined;
        s.abort?.abort();
    }

    dispose(): void {
        for (const s of this.streams.values()) {
            if (s.timer) clearTimeout(s.timer);
            s.abort?.abort();
            s.channel.dispose();
        }
        this.streams.clear();
    }
}
