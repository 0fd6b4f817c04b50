// What the runner (scripts/vscode/runSuite.mjs or scripts/testElectron.mjs) tells the extension-host suite: which
// pass this is, the local emulator to talk to, and where screenshots go. The runner writes a JSON file and names it
// in VAST_VSCODE_SUITE_CONFIG; the extension host inherits that from the VS Code server's environment.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as util from 'node:util';

export const SUITE_CONFIG_ENV = 'VAST_VSCODE_SUITE_CONFIG';

/**
 * Marks the suite's own output lines. The workbench hands the runner the extension host's console output mixed with
 * its own log lines (offline marketplace look-ups and the like); the runner prints marked lines and files the rest.
 */
export const SUITE_LINE_MARK = '\u2063suite\u2063';

/**
 * console.log for the suite: printf-formatted here (the extension host would join the arguments with spaces) and
 * marked so the runner shows it. Plain console.log output lands in artifacts/vscode/<pass>-workbench.log.
 * (console.* cannot be wrapped inside the extension host: VS Code defines them with a setter that ignores writes.)
 */
export function suiteLog(...args: unknown[]): void {
    const text = util.format(...args);
    console.log(
        text
            .split('\n')
            .map((line) => SUITE_LINE_MARK + line)
            .join('\n'),
    );
}

/** `trusted`: fixture workspace, trust granted, local emulator. `untrusted`: Workspace Trust on, folder not trusted. */
export type SuitePass = 'trusted' | 'untrusted';

export interface SuiteConfig {
    pass: SuitePass;
    /** Artifact file prefix, e.g. the pass name. */
    label: string;
    /** The folder the workbench opened (a temp copy of the fixture workspace). */
    workspace?: string;
    /**
     * A local emulator the runner started (trusted pass), besides the one the extension embeds for target "local":
     * base URL (console, autoscaler and store on one origin), the key it accepts, its admin API token (faults).
     */
    emulator?: { url: string; apiKey: string; adminToken: string };
    /** Folder for screenshots and other artifacts (git-ignored). */
    artifactsDir?: string;
    /** The runner's loopback endpoint for screenshots; absent under @vscode/test-electron. */
    controlUrl?: string;
    /** Mocha grep, from VAST_VSCODE_GREP when the runner was started. */
    grep?: string;
}

let cached: SuiteConfig | undefined;

/** The runner's config for this run; without one (a bare test-electron run) the trusted pass with no emulator. */
export function suiteConfig(): SuiteConfig {
    if (cached) return cached;
    const file = process.env[SUITE_CONFIG_ENV];
    cached = file
        ? { pass: 'trusted', label: 'suite', ...(JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<SuiteConfig>) }
        : { pass: 'trusted', label: 'suite' };
    return cached;
}

/**
 * Asks the runner for a screenshot of the workbench as it is now, saved as `<artifactsDir>/<label>-<name>.png`.
 * Resolves with the file's path, or undefined where the runner cannot take screenshots (desktop test-electron runs).
 * Give the UI a moment to render what the test just did before calling.
 */
export function takeScreenshot(name: string): Promise<string | undefined> {
    const base = suiteConfig().controlUrl;
    if (!base) return Promise.resolve(undefined);
    const url = new URL(`/screenshot?name=${encodeURIComponent(name)}`, base);
    return new Promise((resolve, reject) => {
        const req = http.request(url, { method: 'POST' }, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (body += chunk));
            res.on('end', () => {
                if (res.statusCode === 200) resolve((JSON.parse(body) as { path: string }).path);
                else reject(new Error(`screenshot ${name} failed: ${res.statusCode} ${body}`));
            });
        });
        req.on('error', reject);
        req.end();
    });
}
