import * as vscode from 'vscode';
import type { VastClient } from '../pipeline/api/client';
import { findApiKey } from '../pipeline/api/auth';
import type { Target } from '../shared/settings';
import { resolvePythonPath } from './python';
import { heavy } from './lazy';
import { readSettings } from './settings';
import type { LocalEmulator } from './emulatorHost';

export const SECRET_KEY = 'vastDeployments.apiKey';

/** Where Deploy and the status calls go, with the key to use. The key never leaves this object except to the client. */
export interface Connection {
    target: Target;
    client: VastClient;
    webserverUrl: string;
    autoscalerUrl: string;
    /** For messages: `Secret Storage`, `VAST_API_KEY`, a key file path, or `local emulator`. */
    keySource: string;
    /** Needed by the deploy pipeline (it sends it in `/update_workers/` bodies, as the SDK does). */
    apiKey: string;
    /** The local target only: which worker the emulator runs (see LocalEmulator.workers). */
    workers?: string;
    /** A new identity whenever the target, URLs or key change: caches keyed on it reset. */
    id: number;
}

/** No key for the Vast target: an expected condition the UI turns into "Set API Key". */
export class NoApiKeyError extends Error {
    constructor() {
        super('No Vast.ai API key: set one with "Vast.ai: Set API Key", set VAST_API_KEY, or use the local emulator.');
        this.name = 'NoApiKeyError';
    }
}

/** The workspace is not trusted: nothing may be sent or run from it. */
export class UntrustedWorkspaceError extends Error {
    constructor(action: string) {
        super(`${action} is disabled: this workspace is not trusted. Vast Deployments only analyses untrusted code.`);
        this.name = 'UntrustedWorkspaceError';
    }
}

let nextId = 1;

/** Builds (and caches) the connection for the current target; starts the local emulator on first need. */
export class Connections implements vscode.Disposable {
    private current?: Promise<Connection>;
    private emulator?: Promise<LocalEmulator>;
    /** The emulator once started or found: checked on each `get()` when it belongs to another window. */
    private emulatorNow?: LocalEmulator;
    /** Emulators this window has started or joined: a restart on the same port is still told apart (tests). */
    emulatorStarts = 0;
    private readonly changed = new vscode.EventEmitter<void>();
    /** Fires when the target, URLs or key changed (the status cache must be dropped). */
    readonly onDidChange = this.changed.event;

    constructor(
        private readonly context: vscode.ExtensionContext,
        private readonly log: vscode.LogOutputChannel,
        private readonly startEmulator: (pythonPath: string) => Promise<LocalEmulator>,
    ) {}

    /** The connection, or a rejection (NoApiKeyError, UntrustedWorkspaceError, an emulator start failure). */
    get(): Promise<Connection> {
        if (!vscode.workspace.isTrusted) return Promise.reject(new UntrustedWorkspaceError('Talking to the service'));
        if (this.emulatorNow && !this.emulatorNow.stillRunning()) {
            // The window whose emulator this one shared has stopped it: start one here, on the same state.
            this.log.info('The local emulator of the other VS Code window stopped; starting one in this window');
            this.forgetEmulator();
            this.changed.fire();
        }
        if (!this.current) {
            const p = this.create();
            this.current = p;
            // A failure (no key yet, emulator failed) is retried on the next call rather than cached.
            p.catch(() => {
                if (this.current === p) this.current = undefined;
            });
        }
        return this.current;
    }

    /** Forget the connection (settings or key changed). */
    reset(): void {
        this.current = undefined;
        this.changed.fire();
    }

    /**
     * Stops this window's emulator (its deployments stay in its state folder); the next request starts a new one,
     * with the settings of now (the interpreter workers run with).
     */
    async restartEmulator(why: string): Promise<void> {
        const emu = await this.runningEmulator();
        if (!emu) return;
        this.log.info(`${why}: restarting the local emulator`);
        this.forgetEmulator();
        await emu.stop();
        this.changed.fire();
    }

    /** The next request starts (or finds) an emulator again, and makes a new connection to it. */
    private forgetEmulator(): void {
        this.emulator = undefined;
        this.emulatorNow = undefined;
        this.current = undefined;
    }

    /** The running emulator, if this window started one. */
    async runningEmulator(): Promise<LocalEmulator | undefined> {
        return this.emulator?.catch(() => undefined);
    }

    /** Whether a key is available for the Vast target (Secret Storage, VAST_API_KEY or the SDK's key files). */
    async hasVastKey(): Promise<boolean> {
        return (await this.vastKey()) !== undefined;
    }

    private async vastKey(): Promise<{ key: string; source: string } | undefined> {
        const stored = await this.context.secrets.get(SECRET_KEY);
        if (stored) return { key: stored, source: 'Secret Storage' };
        return findApiKey();
    }

    private async create(): Promise<Connection> {
        const s = readSettings();
        // The HTTP stack (undici, in the heavy bundle) is loaded here, on first need, not at activation.
        const { VastClient } = heavy();
        const log = (line: string): void => this.log.trace(line);
        if (s.target === 'local') {
            const emu = await this.localEmulator();
            const client = new VastClient({
                apiKey: emu.apiKey,
                webserverUrl: emu.url,
                autoscalerUrl: emu.url,
                log,
                tries: 2,
            });
            return {
                target: 'local',
                client,
                webserverUrl: emu.url,
                autoscalerUrl: emu.url,
                keySource: 'local emulator',
                apiKey: emu.apiKey,
                workers: emu.workers,
                id: nextId++,
            };
        }
        const key = await this.vastKey();
        if (!key) throw new NoApiKeyError();
        const client = new VastClient({
            apiKey: key.key,
            webserverUrl: s.apiUrl,
            autoscalerInstance: s.autoscalerInstance,
            autoscalerUrl: s.autoscalerUrl || undefined,
            log,
        });
        return {
            target: 'vast',
            client,
            webserverUrl: client.webserverUrl,
            autoscalerUrl: client.autoscalerUrl,
            keySource: key.source,
            apiKey: key.key,
            id: nextId++,
        };
    }

    private localEmulator(): Promise<LocalEmulator> {
        if (!this.emulator) {
            this.emulatorStarts++;
            const p = (async () => {
                const python = await resolvePythonPath(vscode.workspace.workspaceFolders?.[0]?.uri);
                this.log.info(`Starting the local emulator (workers use ${python.path}, from ${python.source})`);
                const emu = await this.startEmulator(python.path);
                this.log.info(
                    `Local emulator listening on ${emu.url}; it runs ${emu.workers}; ${emu.notes.join('; ')}`,
                );
                return emu;
            })();
            this.emulator = p;
            p.then(
                (emu) => {
                    if (this.emulator === p) this.emulatorNow = emu;
                },
                () => undefined,
            );
            p.catch((err: unknown) => {
                if (this.emulator === p) this.emulator = undefined;
                this.log.error(`The local emulator failed to start: ${String(err)}`);
            });
        }
        return this.emulator;
    }

    async dispose(): Promise<void> {
        this.changed.dispose();
        const emu = await this.runningEmulator();
        this.emulator = undefined;
        this.emulatorNow = undefined;
        if (emu) await emu.stop();
    }
}
