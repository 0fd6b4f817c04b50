/** Runs the built CLI (`dist/cli.js`) as a child process and captures everything it prints. */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../helpers/paths';

export const CLI = path.join(repoRoot, 'dist', 'cli.js');

export interface CliRun {
    code: number;
    stdout: string;
    stderr: string;
}

/** A HOME with no key files, so tests never pick up a developer's real key. */
export const emptyHome = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-home-'));

export function runCli(args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): Promise<CliRun> {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: emptyHome, ...opts.env };
    return new Promise((resolve) => {
        execFile(
            process.execPath,
            [CLI, ...args],
            { env, cwd: opts.cwd ?? repoRoot, timeout: 120_000 },
            (err, stdout, stderr) => {
                const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
                resolve({ code, stdout, stderr });
            },
        );
    });
}
