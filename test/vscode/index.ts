// The extension-host suite's entry module (`extensionTestsPath`): VS Code loads the compiled out/test/vscode/index.js
// in the extension host and calls run(). Mocha (tdd UI) runs every compiled *.test.js of the current pass.
// Files named *.untrusted.test.ts run only in the untrusted pass; every other *.test.ts only in the trusted pass.
// The reporter prints through suiteLog (see suiteConfig.ts): the runner shows those lines and files the workbench's
// own log lines under artifacts/vscode/.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { suiteConfig, suiteLog } from './suiteConfig';

function findTests(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((entry) => {
            const p = path.join(dir, entry.name);
            if (entry.isDirectory()) return findTests(p);
            return entry.isFile() && entry.name.endsWith('.test.js') ? [p] : [];
        })
        .sort();
}

/** Routes Mocha's reporter output (printf-style, through Base.consoleLog) to suiteLog. Returns the undo. */
function reportThroughSuiteLog(): () => void {
    const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
    const original = base.consoleLog;
    base.consoleLog = suiteLog;
    return () => {
        base.consoleLog = original;
    };
}

export async function run(): Promise<void> {
    const config = suiteConfig();
    // extension.test.js first: its tree test lists the workspace's deployments exactly, and suites that write
    // deployment files keep them indexed after deleting them (VS Code keeps a document open for a while).
    const first = (f: string): number => (path.basename(f) === 'extension.test.js' ? 0 : 1);
    const files = findTests(__dirname)
        .filter((f) => f.endsWith('.untrusted.test.js') === (config.pass === 'untrusted'))
        .sort((a, b) => first(a) - first(b) || (a < b ? -1 : a > b ? 1 : 0));
    const restore = reportThroughSuiteLog();
    try {
        suiteLog(`pass ${config.pass}: ${files.length} test file(s), VS Code ${vscode.version}`);
        if (files.length === 0) throw new Error(`no *.test.js files for pass ${config.pass} under ${__dirname}`);
        const mocha = new Mocha({
            ui: 'tdd',
            color: false,
            reporter: 'spec',
            // Deploys against the emulator start real Python workers: seconds, not milliseconds.
            timeout: Number(process.env.VAST_VSCODE_TEST_TIMEOUT_MS ?? 60_000),
            grep: config.grep,
        });
        for (const f of files) mocha.addFile(f);
        const failures = await new Promise<number>((resolve) => mocha.run(resolve));
        if (failures > 0) throw new Error(`${failures} test(s) failed in pass ${config.pass}`);
    } catch (err) {
        suiteLog(err instanceof Error ? (err.stack ?? err.message) : String(err));
        throw err;
    } finally {
        restore();
    }
}
