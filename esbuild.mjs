// Bundles the programs the project ships (the extension as two bundles). Type checking is `npm run typecheck`, not esbuild's job.
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
};

const programs = [
    // Activation parses only dist/extension.js; src/extension/lazy.ts requires the heavy half (language client, HTTP,
    // packaging, pipeline, emulator, webview HTML) from dist/extensionHeavy.js on first use.
    { entryPoints: ['src/extension/main.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
    { entryPoints: ['src/extension/heavy.ts'], outfile: 'dist/extensionHeavy.js', external: ['vscode'] },
    { entryPoints: ['src/language-server/main.ts'], outfile: 'dist/server.js' },
    // The language server analyses documents too slow for its event loop in a worker thread
    // (src/language-server/offThread.ts loads it from next to the bundle).
    { entryPoints: ['src/language-server/analysisWorker.ts'], outfile: 'dist/analysisWorker.js' },
    { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
    // The emulator reads uploads in a worker thread (src/emulator/uploadCheck.ts loads it from next to the bundle).
    { entryPoints: ['src/emulator/uploadCheckWorker.ts'], outfile: 'dist/uploadCheckWorker.js' },
];

/** Files the bundles load at run time, next to them in dist/ so the .vsix works offline. */
function copyRuntimeAssets() {
    mkdirSync('dist', { recursive: true });
    cpSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), 'dist/tree-sitter.wasm');
    cpSync(require.resolve('tree-sitter-python/tree-sitter-python.wasm'), 'dist/tree-sitter-python.wasm');
    const shim = join(dirname(new URL(import.meta.url).pathname), 'src/emulator/python');
    if (existsSync(shim)) cpSync(shim, 'dist/python', { recursive: true });
}

copyRuntimeAssets();
if (watch) {
    for (const p of programs) await (await esbuild.context({ ...common, ...p })).watch();
} else {
    await Promise.all(programs.map((p) => esbuild.build({ ...common, ...p })));
}
