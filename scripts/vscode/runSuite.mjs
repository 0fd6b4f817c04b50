// The programmatic API of the in-VS Code suite: VS Code's server build + the workbench in headless Chromium, with the
// extension under development and an extension-host test module passed through the workbench URL's payload.
// Used by scripts/testVscode.mjs (the test passes) and scripts/start.mjs (interactive, no tests).
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { URLSearchParams } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH, ensureVscodeServer, repoRoot } from './install.mjs';
import { startServer } from './server.mjs';

/** Env var naming the JSON file that tells the suite its pass, the emulator and the screenshot endpoint. */
export const SUITE_CONFIG_ENV = 'VAST_VSCODE_SUITE_CONFIG';
/** Prefix of the suite's own console lines (test/vscode/index.ts), to tell them from the workbench's log lines. */
export const SUITE_LINE_MARK = '\u2063suite\u2063';
/** VAST_VSCODE_VERBOSE=1 also prints the workbench's own log lines (always in artifacts/vscode/<label>-workbench.log). */
const verbose = process.env.VAST_VSCODE_VERBOSE === '1';
export const CHROMIUM_ARGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--headless',
];
const VIEWPORT = { width: 1600, height: 1000 };

// Everything started by this module that must die with the process (Ctrl+C, CI's kill, an uncaught error).
const cleanups = new Set();
let signalsHooked = false;
let signalled;
/** The signal (SIGINT, ...) that is shutting this process down, if any. */
export const shutdownSignal = () => signalled;
/** Registers `fn` (async) to run on SIGINT/SIGTERM/SIGHUP or shutdownAll(); returns the unregister function. */
export function onShutdown(fn) {
    cleanups.add(fn);
    if (!signalsHooked) {
        signalsHooked = true;
        for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
            process.once(sig, () => {
                signalled = sig;
                console.error(`[vscode] ${sig}: stopping VS Code, the browser and the emulator`);
                void shutdownAll().finally(() => process.exit(130));
            });
        }
    }
    return () => cleanups.delete(fn);
}
/** Stops every server, browser and helper this module started. */
export async function shutdownAll() {
    const fns = [...cleanups].reverse();
    cleanups.clear();
    for (const fn of fns) await fn().catch(() => {});
}

/** The workbench URL that opens `workspace` with the extension under development (and the tests, if any). */
export function workbenchUrl({ origin, authority }, { workspace, extensionDevelopmentPath, testsPath }) {
    const remote = (p) => `vscode-remote://${authority}${resolve(p)}`;
    const payload = [['extensionDevelopmentPath', remote(extensionDevelopmentPath)]];
    if (testsPath) payload.push(['extensionTestsPath', remote(testsPath)]);
    payload.push(['skipWelcome', 'true']);
    const query = new URLSearchParams({ folder: remote(workspace), payload: JSON.stringify(payload) });
    return `${origin}/?${query.toString()}`;
}

/**
 * Starts the VS Code server for interactive use (no browser, no tests): `npm start`.
 * @param {{ workspace: string, settings?: object, env?: object, extensionDevelopmentPath?: string,
 *   profileDir?: string, port?: number, onLog?: (line: string) => void }} options
 * @returns {Promise<{ url: string, stop: () => Promise<void>, exited: Promise<object>, tmpDir: string, vscodeVersion: string }>}
 */
export async function startVscode({
    workspace,
    settings = {},
    env = {},
    extensionDevelopmentPath = repoRoot,
    profileDir,
    port,
    onLog = () => {},
}) {
    const install = await ensureVscodeServer();
    // A given profile folder is kept (settings, secrets, the embedded emulator's state survive restarts).
    const tmpDir = profileDir ?? mkdtempSync(join(tmpdir(), 'vast-vscode-'));
    mkdirSync(tmpDir, { recursive: true });
    // Installed into the server's extensions folder (not an extension development path, which needs the smoke-test
    // driver, whose flag hides every notification toast).
    const server = await startServer({
        install,
        tmpDir,
        settings,
        env,
        onLog,
        port,
        mergeSettings: !!profileDir,
        extensionPath: extensionDevelopmentPath,
    });
    const stop = async () => {
        await server.stop();
        if (!profileDir) rmSync(tmpDir, { recursive: true, force: true });
    };
    const unhook = onShutdown(stop);
    const url = `${server.origin}/?${new URLSearchParams({ folder: `vscode-remote://${server.authority}${resolve(workspace)}` })}`;
    return {
        url,
        tmpDir,
        vscodeVersion: install.vscodeVersion,
        /** Resolves when the server exits on its own (or is stopped). */
        exited: server.exited,
        stop: async () => {
            unhook();
            await stop();
        },
    };
}

/**
 * Runs an extension-host test module inside VS Code's server build, the workbench in headless Chromium.
 * @param {object} o
 * @param {string} o.workspace folder to open (used as is; copy fixtures first if tests change files)
 * @param {object} [o.settings] user settings of the test profile, e.g. `security.workspace.trust.enabled`
 * @param {string} [o.testsPath] compiled suite entry module (default out/test/vscode/index.js)
 * @param {object} [o.env] extra env for the server; the extension host (and so the suite) inherits it
 * @param {object} [o.suiteConfig] extra fields for the suite's config JSON (pass name, emulator URL, ...)
 * @param {string} [o.screenshotsDir] where screenshots go (default artifacts/vscode)
 * @param {string} [o.label] prefix of artifact files, e.g. the pass name
 * @param {number} [o.timeoutMs] bound of the whole run; on timeout: last log lines + screenshot, exit code 1
 * @param {(line: string) => void} [o.log] where the suite's output goes (default stdout)
 * @returns {Promise<{ exitCode: number, timedOut: boolean, ms: number, screenshots: string[] }>}
 */
export async function runVscodeSuite({
    workspace,
    settings = {},
    testsPath = join(repoRoot, 'out', 'test', 'vscode', 'index.js'),
    env = {},
    suiteConfig = {},
    screenshotsDir = join(repoRoot, 'artifacts', 'vscode'),
    label = 'suite',
    timeoutMs = 15 * 60_000,
    extensionDevelopmentPath = repoRoot,
    log = (line) => console.log(line),
}) {
    const started = Date.now();
    if (!existsSync(CHROMIUM_PATH)) {
        throw new Error(`${CHROMIUM_PATH} is missing: run scripts/setup.sh (Debian packages chromium, libkrb5-dev)`);
    }
    const install = await ensureVscodeServer();
    mkdirSync(screenshotsDir, { recursive: true });
    const tmpDir = mkdtempSync(join(tmpdir(), `vast-vscode-${label}-`));
    const tail = [];
    const remember = (line) => {
        tail.push(line);
        if (tail.length > 80) tail.shift();
    };
    const serverLog = createWriteStream(join(screenshotsDir, `${label}-server.log`));
    const browserLog = createWriteStream(join(screenshotsDir, `${label}-browser.log`));
    const workbenchLog = createWriteStream(join(screenshotsDir, `${label}-workbench.log`));
    const screenshots = [];
    let page;
    const resources = [];
    const cleanup = async () => {
        for (const fn of resources.reverse()) await fn().catch(() => {});
        resources.length = 0;
        serverLog.end();
        browserLog.end();
        workbenchLog.end();
        rmSync(tmpDir, { recursive: true, force: true });
    };
    const unhook = onShutdown(cleanup);
    try {
        const control = await startControlServer(async (name) => {
            if (!page) throw new Error('no page yet');
            const file = join(screenshotsDir, `${label}-${name.replace(/[^\w.-]+/g, '_')}.png`);
            await page.screenshot({ path: file });
            screenshots.push(file);
            return file;
        });
        resources.push(control.close);

        const configPath = join(tmpDir, 'suite-config.json');
        const config = { label, workspace, artifactsDir: screenshotsDir, controlUrl: control.url, ...suiteConfig };
        writeFileSync(configPath, JSON.stringify(config, null, 2) + '\n');

        const server = await startServer({
            install,
            tmpDir,
            settings,
            // The extension-host suite reports through the smoke-test driver (codeAutomationLog/Exit).
            smokeTestDriver: true,
            env: { ...env, [SUITE_CONFIG_ENV]: configPath },
            onLog: (line) => {
                serverLog.write(line + '\n');
                remember(`[server] ${line}`);
            },
        });
        resources.push(server.stop);
        log(`[vscode] ${label}: VS Code ${install.vscodeVersion} server on ${server.origin}, workspace ${workspace}`);

        const browser = await chromium.launch({
            executablePath: CHROMIUM_PATH,
            headless: true,
            args: CHROMIUM_ARGS,
            // Ours (onShutdown) stop the server too; Playwright's own would exit the process after the browser only.
            handleSIGINT: false,
            handleSIGTERM: false,
            handleSIGHUP: false,
        });
        resources.push(() => browser.close());
        page = await browser.newPage({ viewport: VIEWPORT });
        page.on('console', (msg) => {
            // Not in the tail: the workbench's log lines (below) carry the same text.
            browserLog.write(`[${msg.type()}] ${msg.text()}\n`);
        });
        page.on('pageerror', (err) => browserLog.write(`[pageerror] ${err.message}\n`));

        let exitSuite;
        const suiteExit = new Promise((r) => (exitSuite = r));
        await page.exposeFunction('codeAutomationExit', (code) => exitSuite(Number(code) || 0));
        // Everything the workbench logs arrives here; the suite's own lines carry SUITE_LINE_MARK (test/vscode/index.ts).
        await page.exposeFunction('codeAutomationLog', (type, message) => {
            const text = (Array.isArray(message) ? message : [message]).map(String).join(' ');
            for (const line of text.split('\n')) {
                const at = line.indexOf(SUITE_LINE_MARK);
                if (at >= 0) {
                    const own = line.slice(at + SUITE_LINE_MARK.length);
                    remember(own);
                    log(own);
                } else {
                    workbenchLog.write(`[${type}] ${line}\n`);
                    remember(`[workbench] ${line}`);
                    if (verbose) log(`[workbench ${type}] ${line}`);
                }
            }
        });

        const url = workbenchUrl(server, { workspace, extensionDevelopmentPath, testsPath });
        await page.goto(url, { waitUntil: 'domcontentloaded' });

        let timer;
        const remaining = Math.max(0, timeoutMs - (Date.now() - started));
        const timedOut = new Promise((r) => (timer = setTimeout(() => r('timeout'), remaining)));
        const outcome = await Promise.race([suiteExit, timedOut]);
        clearTimeout(timer);
        if (outcome === 'timeout') {
            const shot = join(screenshotsDir, `${label}-timeout.png`);
            await page.screenshot({ path: shot }).catch(() => {});
            log(`[vscode] ${label}: TIMEOUT after ${timeoutMs} ms; last log lines:`);
            for (const line of tail) log(`    ${line}`);
            log(`[vscode] screenshot: ${shot}; logs: ${join(screenshotsDir, label)}-{server,browser,workbench}.log`);
            return { exitCode: 1, timedOut: true, ms: Date.now() - started, screenshots: [...screenshots, shot] };
        }
        const final = join(screenshotsDir, `${label}-final.png`);
        await page.screenshot({ path: final }).catch(() => {});
        log(`[vscode] ${label}: suite exited with ${outcome} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return { exitCode: outcome, timedOut: false, ms: Date.now() - started, screenshots: [...screenshots, final] };
    } finally {
        unhook();
        await cleanup();
    }
}

/**
 * A loopback HTTP endpoint for the suite (which runs in the extension host, a Node process beside the server, not in
 * the page): `POST /screenshot?name=tree` answers once the PNG is written, with `{ "path": ... }`.
 */
function startControlServer(screenshot) {
    return new Promise((resolveServer, reject) => {
        const srv = createServer((req, res) => {
            const url = new URL(req.url ?? '/', 'http://127.0.0.1');
            if (req.method !== 'POST' || url.pathname !== '/screenshot') {
                res.writeHead(404).end();
                return;
            }
            screenshot(url.searchParams.get('name') || 'screenshot').then(
                (path) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path })),
                (err) => res.writeHead(500).end(String(err?.message ?? err)),
            );
        });
        srv.on('error', reject);
        srv.listen(0, '127.0.0.1', () => {
            const address = srv.address();
            const port = typeof address === 'object' && address ? address.port : 0;
            resolveServer({
                url: `http://127.0.0.1:${port}`,
                close: () => new Promise((r) => srv.close(() => r())),
            });
        });
    });
}
