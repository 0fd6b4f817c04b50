/**
 * Runs a deployment file through the official SDK (`../shared/oracle/sdk.py capture`) and through our reader and
 * packaging, and compares what each would send: the PUT body (`-p` tokens of `env` as a set, since the SDK takes them
 * from a Python set), config.json and the file hash. The SDK is a test dependency, run with Debian's python3.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hashPackage, loadSpecs, putBody } from '../../../src/pipeline/packaging';
import type { SpecError } from '../../../src/shared/packaging';
import { sharedDir } from '../../helpers/paths';

export interface SdkCapture {
    error: string | null;
    put: Record<string, unknown> | null;
    config: string | null;
}

/** What our side makes of the file: the PUT body and config.json, or our refusal. */
export type Ours = { ok: true; put: Record<string, unknown>; config: string } | { ok: false; errors: SpecError[] };

const SDK = path.join(sharedDir, 'oracle', 'sdk.py');
/** The SDK's default URLs, as `python3 app.py` uses them (capture answers on loopback whatever the URLs). */
const URLS = { webserverUrl: 'https://console.vast.ai', autoscalerUrl: 'https://run.vast.ai' };

/** Writes `files` (name -> text or bytes) into a fresh folder; `app.py` is the deployment file. */
export function writeCase(files: Record<string, string | Buffer>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-reader-'));
    for (const [name, body] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), body);
    }
    return dir;
}

/** `sdk.py capture app.py out.json` in `dir`, with `env` as the process environment. */
export function captureSdk(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<SdkCapture> {
    const out = path.join(dir, '.sdk-out.json');
    return new Promise((resolve, reject) => {
        const p = spawn('/usr/bin/python3', [SDK, 'capture', path.join(dir, 'app.py'), out], {
            cwd: dir,
            env,
            stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        p.on('error', reject);
        p.on('close', () => {
            try {
                const j = JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, unknown>;
                resolve({
                    error: (j.error as string | null) ?? null,
                    put: (j.put as Record<string, unknown> | null) ?? null,
                    config: (j.config as string | null) ?? null,
                });
            } catch (e) {
                reject(new Error(`sdk.py capture gave no result: ${(e as Error).message}\n${stderr}`));
            }
        });
    });
}

/** Our reader and packaging on `dir/app.py`: the first deployment's PUT body (hash computed) and config.json. */
export async function ours(dir: string, env?: Record<string, string | undefined>): Promise<Ours> {
    let specs;
    try {
        specs = await loadSpecs(path.join(dir, 'app.py'), env ? { env } : {});
    } catch (e) {
        // A file Python cannot decode is refused with a message before any analysis.
        const noRange = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
        return { ok: false, errors: [{ message: (e as Error).message, range: noRange, sdk: false }] };
    }
    const first = specs[0];
    if (!first) return { ok: false, errors: [] };
    if (!first.result.ok) return { ok: false, errors: first.result.errors };
    const spec = first.result.value;
    const hash = await hashPackage(spec);
    const put = putBody(spec, hash, 0, URLS) as Record<string, unknown>;
    return { ok: true, put, config: spec.configJson };
}

/** `env` with its `-p` tokens sorted (they come from a Python set), every other token in order. */
export function normalizeEnv(env: unknown): string {
    const t = String(env).split(' ');
    const ports: string[] = [];
    const rest: string[] = [];
    for (let i = 0; i < t.length; i += 2) (t[i] === '-p' ? ports : rest).push(`${t[i]} ${t[i + 1]}`);
    return [...ports.sort(), ...rest].join(' ');
}

/** The PUT body as compared: file_size dropped (the hash covers the content), env normalized. */
export function comparable(put: Record<string, unknown>): Record<string, unknown> {
    const { file_size: _size, ...rest } = put;
    return { ...rest, env: normalizeEnv(put.env) };
}
