/** The `vastDeployments.*` settings, shared by the extension (reads them) and the language server (pulls them). */

export const SETTINGS_SECTION = 'vastDeployments';

export type SeverityOverride = 'error' | 'warning' | 'information' | 'hint' | 'off';

/** Where Deploy sends things: Vast's service or the embedded local emulator. */
export type Target = 'local' | 'vast';

export interface Settings {
    target: Target;
    /** Console API base URL (the SDK's `webserver_url`). */
    apiUrl: string;
    /** `prod` | `alpha` | `candidate` | `local` | other (= prod), as in the SDK. */
    autoscalerInstance: string;
    /** Overrides `autoscalerInstance` when set. */
    autoscalerUrl: string;
    codeLens: { enabled: boolean };
    /** Extra globs the workspace index skips. */
    exclude: string[];
    /** Base status poll interval in seconds (backs off when nothing changes). */
    pollInterval: number;
    /** Per-code severity overrides, e.g. `{ "unnamed-deployment": "off" }`. */
    diagnostics: { severity: Record<string, SeverityOverride> };
    /** Python interpreter for local emulator workers; empty = the Python extension's or `python3`. */
    pythonPath: string;
    /** When Deploy shows its plan and asks: `vast` only for the Vast target (the default), `always`, `never`. */
    confirmDeploy: ConfirmDeploy;
    /**
     * The local emulator: install `pip_install(...)` packages into a per-deployment venv (off: skipped); run the
     * image's `run_cmd`/`run_script` steps before a worker starts (off: skipped); a folder holding the `vastai` SDK
     * for the workers' PYTHONPATH when the interpreter has not installed it (empty: none).
     */
    emulator: { installPipPackages: boolean; runScripts: boolean; sdkPath: string };
}

export type ConfirmDeploy = 'vast' | 'always' | 'never';

export const defaultSettings: Settings = {
    target: 'local',
    apiUrl: 'https://console.vast.ai',
    autoscalerInstance: 'prod',
    autoscalerUrl: '',
    codeLens: { enabled: true },
    exclude: [],
    pollInterval: 10,
    diagnostics: { severity: {} },
    pythonPath: '',
    confirmDeploy: 'vast',
    emulator: { installPipPackages: false, runScripts: false, sdkPath: '' },
};
