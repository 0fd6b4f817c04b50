// Shared bits of the server tests: temp workspaces and sample files.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/** A fresh temp folder with `files` (relative path -> content) written into it. */
export function makeWorkspace(files: Record<string, string | Buffer>): { dir: string; uri: string; cleanup(): void } {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'vast-lsp-')));
    for (const [rel, content] of Object.entries(files)) {
        const p = path.join(dir, rel);
        fs.mkdirSync(path.dirname(p), { recursive: true });
        fs.writeFileSync(p, content);
    }
    return { dir, uri: uriOf(dir), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function uriOf(p: string): string {
    return pathToFileURL(p).href;
}

/** A complete, valid deployment file. */
export function goodApp(name = 'my-app', tag?: string): string {
    return [
        'from vastai import Deployment',
        'from vastai.data.query import gpu_name, gpu_ram, RTX_4090',
        '',
        `app = Deployment(name="${name}"${tag ? `, tag="${tag}"` : ''})`,
        '',
        '',
        '@app.remote(benchmark_dataset=[{"x": 2}])',
        'async def square(x):',
        '    return x * x',
        '',
        '',
        'image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)',
        'image.require(gpu_name.in_([RTX_4090]), gpu_ram >= 24000)',
        'app.configure_autoscaling(min_load=1000, cold_workers=2)',
        'app.ensure_ready()',
        '',
    ].join('\n');
}

/** A deployment with several problems: no benchmark, no autoscaling, a non-async remote. */
export const BROKEN_APP = [
    'from vastai import Deployment',
    '',
    'app = Deployment(name="broken")',
    '',
    '',
    '@app.remote()',
    'def work(a, b):',
    '    return a + b',
    '',
    '',
    'image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)',
    'app.ensure_ready()',
    '',
].join('\n');
