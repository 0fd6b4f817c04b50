import * as vscode from 'vscode';
import type { ExtensionState } from '../state';
import { displayName, plural, remoteKey } from '../util';
import { workerKind } from '../statusModel';
import { deployedRecord, resolveSubject } from './resolve';
import type { CommandResult } from '../types';

/** Deletes the deployment (endpoint, workergroup, workers) after a modal naming it and its running workers. */
export function tearDown(state: ExtensionState) {
    return async (arg?: unknown): Promise<CommandResult> => {
        const conn = await state.connection('Tear down');
        const subject = await resolveSubject(state, arg, 'tear down', true);
        if (!subject) return { ok: false, cancelled: true, message: 'Nothing chosen' };
        const label = displayName(subject.name, subject.tag);
        const where = conn.target === 'local' ? 'the local emulator' : 'Vast.ai';
        const record = await deployedRecord(state, subject);
        if (!record) {
            const message = `Nothing to tear down: "${label}" is not deployed on ${where}.`;
            void state.ui.notify('info', message);
            return { ok: true, message, notDeployed: true };
        }
        const endpointId = record.endpointId ?? (await conn.client.showDeployment(Number(record.id))).endpoint_id;
        const workers =
            endpointId === undefined ? [] : await conn.client.getEndpointWorkers(endpointId).catch(() => []);
        const kinds = workers.map((w) => workerKind(w.status));
        const running = kinds.filter((k) => k === 'ready' || k === 'starting' || k === 'updating').length;
        const failed = kinds.filter((k) => k === 'error').length;
        const detail = [
            `This deletes deployment ${record.id} on ${where}: its endpoint, workergroup and ${workerWords(running, failed)}.`,
            running > 0 ? 'Requests in flight will fail.' : '',
            subject.kind === 'local'
                ? 'Your code is not touched; Deploy creates it again.'
                : 'It is not defined in this workspace, so there is no code here to deploy it again.',
        ]
            .filter(Boolean)
            .join('\n');
        // Confirmed already when the deploy plan offered it (a rename left the old deployment running).
        const confirmed = !!arg && typeof arg === 'object' && (arg as { confirmed?: unknown }).confirmed === true;
        const choice = confirmed ? 'Tear Down' : await state.ui.confirm(`Tear down "${label}"?`, detail, 'Tear Down');
        if (choice !== 'Tear Down') return { ok: false, cancelled: true, message: 'Tear down cancelled' };

        const key = remoteKey(subject.name, subject.tag);
        state.status.setBusy(key, 'tearingDown');
        try {
            await vscode.window.withProgress(
                { location: vscode.ProgressLocation.Notification, title: `Tearing down ${label}`, cancellable: false },
                async (progress) => {
                    progress.report({ message: 'deleting the deployment…' });
                    await conn.client.deleteDeployment(Number(record.id));
                    state.logs.stop(record.id);
                    progress.report({ message: 'waiting for the service to forget it…' });
                    const deadline = Date.now() + 30_000;
                    while (Date.now() < deadline) {
                        const left = await conn.client.findDeployments(subject.name, subject.tag);
                        if (!left.some((d) => d.id === Number(record.id))) break;
                        await new Promise((r) => setTimeout(r, 500));
                    }
                },
            );
        } finally {
            state.status.setBusy(key, undefined);
            await state.status.refresh();
        }
        const stopped = running + failed;
        const message = `Tore down "${label}" on ${where}${stopped > 0 ? ` (${plural(stopped, 'worker')} stopped)` : ''}.`;
        state.log.info(message);
        void state.ui.notify('info', message);
        return { ok: true, message, deploymentId: record.id };
    };
}

/** "its 2 running workers and 1 failed worker": a crashed worker is not called running. */
function workerWords(running: number, failed: number): string {
    const parts = [
        running > 0 ? plural(running, 'running worker') : '',
        failed > 0 ? plural(failed, 'failed worker') : '',
    ].filter(Boolean);
    return parts.length > 0 ? `its ${parts.join(' and ')}` : 'workers (none running)';
}
