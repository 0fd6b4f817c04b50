import * as vscode from 'vscode';
import type { ExtensionState } from '../state';
import { displayName } from '../util';
import { deployedRecord, resolveSubject } from './resolve';
import type { CommandResult } from '../types';

function lifecycle(state: ExtensionState, verb: 'stop' | 'start') {
    return async (arg?: unknown): Promise<CommandResult> => {
        const conn = await state.connection(verb === 'stop' ? 'Stop' : 'Start');
        const subject = await resolveSubject(state, arg, verb, true);
        if (!subject) return { ok: false, cancelled: true, message: 'Nothing chosen' };
        const label = displayName(subject.name, subject.tag);
        const record = await deployedRecord(state, subject);
        if (!record) {
            const message = `"${label}" is not deployed.`;
            void state.ui.notify('info', message);
            return { ok: false, message, notDeployed: true };
        }
        await vscode.window.withProgress(
            {
                location: vscode.ProgressLocation.Window,
                title: `${verb === 'stop' ? 'Stopping' : 'Starting'} ${label}`,
            },
            () =>
                verb === 'stop'
                    ? conn.client.stopDeployment(Number(record.id))
                    : conn.client.startDeployment(Number(record.id)),
        );
        await state.status.refresh();
        state.status.poke();
        const message =
            verb === 'stop'
                ? `Stopped "${label}": its workers are inactive (Start brings them back).`
                : `Started "${label}": workers are coming up.`;
        state.log.info(message);
        void state.ui.notify('info', message);
        return { ok: true, message };
    };
}

export const stop = (state: ExtensionState) => lifecycle(state, 'stop');
export const start = (state: ExtensionState) => lifecycle(state, 'start');
