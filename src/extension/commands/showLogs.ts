import type { ExtensionState } from '../state';
import { displayName } from '../util';
import { deployedRecord, resolveSubject } from './resolve';
import type { CommandResult } from '../types';

/** Streams the deployment's endpoint logs into its own output channel while that channel is open. */
export function showLogs(state: ExtensionState) {
    return async (arg?: unknown): Promise<CommandResult> => {
        const conn = await state.connection('Showing logs');
        const subject = await resolveSubject(state, arg, 'show logs of', true);
        if (!subject) return { ok: false, cancelled: true, message: 'Nothing chosen' };
        const record = await deployedRecord(state, subject);
        if (!record) {
            const message = `"${displayName(subject.name, subject.tag)}" is not deployed: no logs yet.`;
            void state.ui.notify('info', message);
            return { ok: false, message, notDeployed: true };
        }
        const channel = state.logs.show(conn, record);
        return {
            ok: true,
            message: `Streaming logs into "${channel.name}"`,
            channel: channel.name,
            deploymentId: record.id,
        };
    };
}
