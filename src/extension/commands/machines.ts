import { marketLine } from '../../shared/market/summary';
import { marketInputOf } from '../marketWords';
import type { ExtensionState } from '../state';
import type { CommandResult } from '../types';
import { displayName } from '../util';
import { resolveSubject } from './resolve';

/**
 * "Machines and Prices" (the lens on `image.require(...)`, the palette): searches the offers for a definition's
 * requirements now, bypassing the cache, and says how many machines match and what workers would cost.
 */
export function showMachines(state: ExtensionState) {
    return async (arg?: unknown): Promise<CommandResult> => {
        state.requireTrust('Searching machines');
        const subject = await resolveSubject(state, arg, 'see machines and prices for');
        if (!subject) return { ok: false, cancelled: true, message: 'Nothing chosen' };
        if (subject.kind === 'remote') {
            throw new Error(`"${subject.name}" is not defined in this workspace: its requirements cannot be read.`);
        }
        const label = displayName(subject.name, subject.tag);
        const input = marketInputOf(subject.summary);
        if (!input) throw new Error(`"${label}" has no app.image(...): there are no requirements to search.`);
        if ('unavailable' in input) throw new Error(`Cannot search machines for "${label}": ${input.unavailable}.`);
        const result = await state.market.get(input, { fresh: true });
        const message = `${label}: ${marketLine(result)}`;
        void state.ui.notify(result.warning ? 'warning' : 'info', message);
        return { ok: true, message, machines: result };
    };
}
