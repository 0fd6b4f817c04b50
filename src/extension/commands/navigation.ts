import * as vscode from 'vscode';
import type { Range } from '../../shared/model';
import type { ExtensionState } from '../state';
import type { CommandResult } from '../types';

/** Re-lists the workspace and polls the service now (resets the backoff). */
export function refresh(state: ExtensionState) {
    return async (): Promise<CommandResult> => {
        if (!state.index.started) await state.index.start();
        await state.index.relist();
        const changed = await state.status.refresh();
        state.status.poke();
        const reason = state.status.reason;
        return {
            ok: reason === undefined || reason === 'workspace not trusted',
            message: reason ? `Status unavailable: ${reason}` : 'Refreshed',
            changed,
        };
    };
}

/** Opens a file at a range: the tree's click target (`{ uri, range }` JSON). */
export function openDefinition(_state: ExtensionState) {
    return async (arg?: unknown): Promise<CommandResult> => {
        const a = arg as { uri?: unknown; range?: Range } | undefined;
        if (!a || typeof a.uri !== 'string' || !a.range) return { ok: false, message: 'Nothing to open' };
        const r = a.range;
        const range = new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(a.uri));
        try {
            await vscode.window.showTextDocument(doc, {
                selection: new vscode.Range(range.start, range.start),
                preview: true,
            });
        } catch (err) {
            // Clicking another row (or opening another file) before this one showed: what the user asked last wins.
            if (/another editor opened in the meantime/i.test(String((err as Error)?.message))) {
                return { ok: true, message: 'Another editor opened first' };
            }
            throw err;
        }
        return { ok: true, message: `Opened ${vscode.workspace.asRelativePath(doc.uri)}:${r.start.line + 1}` };
    };
}
