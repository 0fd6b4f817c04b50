import * as vscode from 'vscode';
import { findApiKey } from '../../pipeline/api/auth';
import { SECRET_KEY } from '../connection';
import type { ExtensionState } from '../state';
import type { CommandResult } from '../types';

/** Stores the key in Secret Storage (the OS keychain), never in settings or logs. */
export function setApiKey(state: ExtensionState) {
    return async (value?: unknown): Promise<CommandResult> => {
        const key =
            typeof value === 'string'
                ? value
                : await state.ui.input({
                      title: 'Vast.ai API Key',
                      prompt: 'Paste your API key from https://cloud.vast.ai/account/ (kept in VS Code Secret Storage)',
                      password: true,
                      ignoreFocusOut: true,
                      validateInput: (v) =>
                          /^\S{8,}$/.test(v.trim()) ? undefined : 'An API key is a long string without spaces',
                  });
        if (key === undefined) return { ok: false, cancelled: true, message: 'No key entered' };
        await state.context.secrets.store(SECRET_KEY, key.trim());
        state.log.info('API key saved in Secret Storage');
        state.connections.reset();
        await state.updateKeyContext();
        state.status.poke();
        return { ok: true, message: 'API key saved' };
    };
}

export function clearApiKey(state: ExtensionState) {
    return async (): Promise<CommandResult> => {
        await state.context.secrets.delete(SECRET_KEY);
        state.connections.reset();
        await state.updateKeyContext();
        const fallback = findApiKey();
        const message = fallback
            ? `API key removed from Secret Storage. A key from ${fallback.source === 'VAST_API_KEY' ? 'VAST_API_KEY' : fallback.source} is still used.`
            : 'API key removed from Secret Storage.';
        state.log.info(message);
        void state.ui.notify('info', message);
        void vscode.commands.executeCommand('setContext', 'vastDeployments.accountLoaded', false);
        return { ok: true, message };
    };
}
