// Settings are pulled from the client with workspace/configuration, per scope URI, and cached until the client says
// they changed. Clients without the configuration capability get the shared defaults.
import type { Connection } from 'vscode-languageserver';
import { defaultSettings, SETTINGS_SECTION, type Settings, type SeverityOverride } from '../shared/settings';

const SEVERITIES = new Set<SeverityOverride>(['error', 'warning', 'information', 'hint', 'off']);

export class SettingsStore {
    private readonly cache = new Map<string, Promise<Settings>>();

    constructor(
        private readonly connection: Connection,
        private readonly canPull: () => boolean,
        private readonly log: (m: string) => void,
    ) {}

    /** Settings for a document (or the workspace when `scopeUri` is undefined). */
    get(scopeUri?: string): Promise<Settings> {
        const key = scopeUri ?? '';
        let p = this.cache.get(key);
        if (!p) {
            p = this.pull(scopeUri);
            this.cache.set(key, p);
        }
        return p;
    }

    clear(): void {
        this.cache.clear();
    }

    private async pull(scopeUri?: string): Promise<Settings> {
        if (!this.canPull()) return defaultSettings;
        try {
            const raw: unknown = await this.connection.workspace.getConfiguration(
                scopeUri === undefined ? { section: SETTINGS_SECTION } : { scopeUri, section: SETTINGS_SECTION },
            );
            return normalizeSettings(raw);
        } catch (err) {
            this.log(`Could not read settings: ${(err as Error).message}`);
            return defaultSettings;
        }
    }
}

/** Merges whatever the client sent over the defaults, dropping values of the wrong type. */
export function normalizeSettings(raw: unknown): Settings {
    const r = isObject(raw) ? raw : {};
    const codeLens = isObject(r.codeLens) ? r.codeLens : {};
    const diagnostics = isObject(r.diagnostics) ? r.diagnostics : {};
    const severity: Record<string, SeverityOverride> = {};
    if (isObject(diagnostics.severity)) {
        for (const [code, v] of Object.entries(diagnostics.severity)) {
            if (typeof v === 'string' && SEVERITIES.has(v as SeverityOverride)) severity[code] = v as SeverityOverride;
        }
    }
    return {
        ...defaultSettings,
        ...pick(r, defaultSettings),
        codeLens: {
            enabled: typeof codeLens.enabled === 'boolean' ? codeLens.enabled : defaultSettings.codeLens.enabled,
        },
        exclude: Array.isArray(r.exclude) ? r.exclude.filter((x): x is string => typeof x === 'string') : [],
        diagnostics: { severity },
    };
}

function pick(r: Record<string, unknown>, defaults: Settings): Partial<Settings> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(defaults)) {
        if (typeof v !== 'object' && typeof r[k] === typeof v) out[k] = r[k];
    }
    return out as Partial<Settings>;
}

function isObject(x: unknown): x is Record<string, unknown> {
    return typeof x === 'object' && x !== null && !Array.isArray(x);
}
