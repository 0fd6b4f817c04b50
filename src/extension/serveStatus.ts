import * as vscode from 'vscode';
import { CommandId } from '../shared/commands';

/** What the "Serving …" status bar item says; the serve command (heavy bundle) updates it, the test API reads it. */
export interface ServeState {
    name: string;
    phase: 'deploying' | 'ready' | 'refused' | 'failed';
    /** When the served version became ready (ms since epoch). */
    readyAt?: number;
    readyMs?: number;
    reason?: string;
}

/** "Serving text-embeddings · updated 2 s ago", clickable to stop serving. */
export class ServeStatusItem implements vscode.Disposable {
    private readonly item = vscode.window.createStatusBarItem(
        'vastDeployments.serving',
        vscode.StatusBarAlignment.Left,
        99,
    );
    private timer?: NodeJS.Timeout;
    state?: ServeState;

    constructor() {
        this.item.name = 'Vast.ai Serve Locally';
        this.item.command = CommandId.stopServing;
    }

    set(s: ServeState | undefined): void {
        this.state = s;
        clearInterval(this.timer);
        if (!s) {
            this.item.hide();
            return;
        }
        this.render();
        this.item.show();
        // "updated N s ago" keeps counting.
        if (s.phase !== 'deploying') this.timer = setInterval(() => this.render(), 1000);
    }

    get text(): string {
        return this.state ? this.item.text : '';
    }

    private render(): void {
        const s = this.state!;
        const ago =
            s.readyAt !== undefined ? `updated ${Math.max(0, Math.round((Date.now() - s.readyAt) / 1000))} s ago` : '';
        const [icon, tail] =
            s.phase === 'deploying'
                ? ['$(sync~spin)', 'redeploying…']
                : s.phase === 'ready'
                  ? ['$(radio-tower)', ago]
                  : ['$(warning)', `not redeployed: ${s.reason ?? ''}`];
        this.item.text = `${icon} Serving ${s.name} · ${tail}`;
        this.item.tooltip = `${s.phase === 'ready' && s.readyMs !== undefined ? `Ready ${s.readyMs} ms after the save. ` : ''}${s.reason ?? ''}\nClick to stop serving.`;
        this.item.backgroundColor =
            s.phase === 'refused' || s.phase === 'failed'
                ? new vscode.ThemeColor('statusBarItem.warningBackground')
                : undefined;
    }

    dispose(): void {
        clearInterval(this.timer);
        this.item.dispose();
    }
}

/** The one status item (created on first use), kept on globalThis: the light and heavy bundles each hold a copy
 * of this module, and both must reach the same item. */
export function serveStatus(): ServeStatusItem {
    const g = globalThis as { __vastServeStatus?: ServeStatusItem };
    g.__vastServeStatus ??= new ServeStatusItem();
    return g.__vastServeStatus;
}
