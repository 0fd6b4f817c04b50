import * as vscode from 'vscode';
import { fileURLToPath } from 'node:url';
import { ServeSession, type ServeEvent } from '../../pipeline/run/serve';
import { CommandId } from '../../shared/commands';
import { serveStatus } from '../serveStatus';
import type { ExtensionState } from '../state';
import type { CommandResult } from '../types';
import { displayName } from '../util';
import { resolveSubject } from './resolve';

let current: { session: ServeSession; label: string } | undefined;
let channel: vscode.OutputChannel | undefined;

/**
 * Serve Locally: deploys the deployment to the local emulator, then redeploys on every save of its file or of a path
 * it copies, streams the worker log to "Vast.ai Serve", and shows "Serving <name> · updated N s ago" (click: stop).
 */
export function serveLocally(state: ExtensionState) {
    return async (arg?: unknown): Promise<CommandResult> => {
        state.requireTrust('Serve Locally');
        const subject = await resolveSubject(state, arg, 'serve');
        if (!subject) return { ok: false, cancelled: true, message: 'Nothing chosen' };
        if (subject.kind === 'remote') throw new Error(`"${subject.name}" is not defined in this workspace.`);
        const conn = await state.connection('Serve Locally');
        if (conn.target !== 'local') {
            const message = 'Serve Locally runs on the local emulator: switch the target to Local first.';
            void state.ui.notify('info', message, 'Use Local Emulator').then((a) => {
                if (a) void vscode.commands.executeCommand(CommandId.chooseTarget, 'local');
            });
            return { ok: false, message };
        }
        await current?.session.stop();
        const label = displayName(subject.name, subject.tag);
        const status = serveStatus();
        channel ??= vscode.window.createOutputChannel('Vast.ai Serve', 'log');
        const out = channel;
        let first: ((e: ServeEvent) => void) | undefined;
        const firstEvent = new Promise<ServeEvent>((r) => (first = r));
        const session = new ServeSession({
            client: conn.client,
            file: fileURLToPath(subject.summary.uri),
            deployment: subject.summary.unnamed ? undefined : subject.name,
            onEvent: (e) => {
                if (e.kind === 'log') {
                    out.appendLine(e.line);
                    return;
                }
                if (e.kind === 'deploying') status.set({ ...status.state, name: label, phase: 'deploying' });
                if (e.kind === 'ready') {
                    status.set({ name: label, phase: 'ready', readyAt: e.at.getTime(), readyMs: e.readyMs });
                    out.appendLine(
                        `[serve] ${e.action}: ready ${e.readyMs} ms after the save (version ${e.versionId ?? '?'})`,
                    );
                }
                if (e.kind === 'refused' || e.kind === 'failed') {
                    const reason = e.kind === 'refused' ? e.reason : e.message;
                    status.set({ ...status.state, name: label, phase: e.kind, reason });
                    out.appendLine(`[serve] not redeployed: ${reason}`);
                }
                if (e.kind !== 'deploying') first?.(e);
            },
        });
        current = { session, label };
        status.set({ name: label, phase: 'deploying' });
        await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Window, title: `Serving ${label} on the local emulator` },
            () => session.start(),
        );
        const e = await firstEvent;
        if (e.kind === 'ready') {
            const message = `Serving ${label} locally: redeployed on every save (ready in ${e.readyMs} ms).`;
            state.log.info(message);
            return { ok: true, message, readyMs: e.readyMs };
        }
        const message = `Serving ${label}: ${e.kind === 'refused' ? `not deployed: ${e.reason}` : e.kind === 'failed' ? e.message : ''}`;
        void state.ui.notify('warning', message);
        return { ok: false, message };
    };
}

/** Stops serving (the deployment stays on the emulator). */
export function stopServing(_state: ExtensionState) {
    return async (): Promise<CommandResult> => {
        if (!current) return { ok: true, message: 'Not serving.' };
        const { session, label } = current;
        current = undefined;
        await session.stop();
        serveStatus().set(undefined);
        return { ok: true, message: `Stopped serving ${label}.` };
    };
}
