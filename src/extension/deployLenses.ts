// Which of the language server's Deploy / Benchmark / Tear down lenses the editor shows. The server knows the code,
// not the account: Benchmark and Tear down act on what the current target has, so they show only for a deployment
// that is deployed there, and the lenses are asked for again whenever that set changes (deploy, teardown, target).
import type * as vscode from 'vscode';
import { CommandId, type DeploymentRef } from '../shared/commands';
import { remoteKey } from './util';

const NEEDS_DEPLOYED = new Set<string>([CommandId.benchmark, CommandId.tearDown]);

/** What the gate needs from the status cache. */
export interface DeployedSource {
    /** The remote keys (name/tag) the current target has; undefined while that is not known. */
    deployedKeys(): readonly string[] | undefined;
    /** Asks the target once if nothing is known yet (no view open to poll). */
    ensureLoaded(): void;
    readonly onDidChange: vscode.Event<unknown>;
}

/** Whether a lens with this command and argument shows, given the deployed keys (undefined: not known yet). */
export function lensShown(command: string | undefined, arg: unknown, deployed: readonly string[] | undefined): boolean {
    if (command === undefined || !NEEDS_DEPLOYED.has(command)) return true;
    const ref = arg as Partial<DeploymentRef> | undefined;
    if (!deployed || typeof ref?.name !== 'string' || typeof ref.tag !== 'string') return false;
    return deployed.includes(remoteKey(ref.name, ref.tag));
}

/**
 * Filters lenses through `lensShown` and calls `refresh` (the language client's "lenses changed") when the deployed
 * set changes. `refreshes` counts those calls, for the suite.
 */
export class DeployLensGate implements vscode.Disposable {
    private last: string | undefined;
    private readonly subscription: vscode.Disposable;
    refreshes = 0;
    refresh: () => void = () => undefined;

    constructor(private readonly source: DeployedSource) {
        this.last = signature(source.deployedKeys());
        this.subscription = source.onDidChange(() => {
            const now = signature(source.deployedKeys());
            if (now === this.last) return;
            this.last = now;
            this.refreshes++;
            this.refresh();
        });
    }

    filter(lenses: vscode.CodeLens[]): vscode.CodeLens[] {
        const deployed = this.source.deployedKeys();
        if (!deployed) this.source.ensureLoaded();
        return lenses.filter((l) => lensShown(l.command?.command, l.command?.arguments?.[0], deployed));
    }

    dispose(): void {
        this.subscription.dispose();
    }
}

function signature(keys: readonly string[] | undefined): string | undefined {
    return keys ? [...keys].sort().join('\n') : undefined;
}
