// Entry point: activate/deactivate only. Everything heavy (language client, emulator, pipeline) loads on first need.
const moduleLoadedAt = performance.now();

import type * as vscode from 'vscode';
import { registerCallLens } from './callLens';
import { registerFailureLens } from './failureLens';
import { registerMarketLens } from './marketLens';
import { registerCommands } from './commands/index';
import { ExtensionState } from './state';
import { createTestApi, type VastDeploymentsApi } from './testApi';
import { registerViews } from './views/register';

let state: ExtensionState | undefined;

export function activate(context: vscode.ExtensionContext): VastDeploymentsApi {
    const t0 = performance.now();
    state = new ExtensionState(context);
    const s = state;
    context.subscriptions.push(
        s,
        ...registerCommands(s),
        registerCallLens(s.index),
        registerFailureLens(s.index, s.status),
        registerMarketLens(s.index, s.market),
    );
    const views = registerViews(s);
    context.subscriptions.push(views);
    const activationMs = performance.now() - t0;
    s.log.info(
        `Activated in ${activationMs.toFixed(1)} ms (module evaluated ${(t0 - moduleLoadedAt).toFixed(1)} ms before activate)`,
    );
    return createTestApi(s, views, activationMs);
}

export async function deactivate(): Promise<void> {
    // Awaited by VS Code: stops the emulator's worker processes and the language server.
    await state?.shutdown();
    state = undefined;
}
