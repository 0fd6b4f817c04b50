// `npm run bench`: runs every benchmark in scripts/bench/ (after a build) and passes their JSON lines through.
// Each benchmark prints one JSON object per line on stdout; progress goes to stderr.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv.slice(2);
// Benchmarks load the bundles in dist/ or the compiled modules in out/ (tsc), so both are built first.
for (const args of [['esbuild.mjs'], ['node_modules/typescript/bin/tsc', '-p', '.']]) {
    const build = spawnSync(process.execPath, args, { stdio: 'inherit' });
    if (build.status !== 0) process.exit(build.status ?? 1);
}
let failed = 0;
for (const name of readdirSync('scripts/bench').sort()) {
    if (!name.endsWith('.mjs') || (only.length > 0 && !only.some((o) => name.includes(o)))) continue;
    const r = spawnSync(process.execPath, ['--expose-gc', join('scripts/bench', name)], { stdio: 'inherit' });
    if (r.status !== 0) {
        console.error(`bench ${name} failed with exit code ${r.status}`);
        failed++;
    }
}
process.exit(failed > 0 ? 1 : 0);
