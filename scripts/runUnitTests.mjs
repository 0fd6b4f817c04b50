// Runs every compiled *.test.js under out/test except the extension-host suite (test/vscode), which needs VS Code.
// Node 20's `node --test` has no glob support, so the list is made here. Extra args filter by path substring.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir) {
    return readdirSync(dir).flatMap((name) => {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) return name === 'vscode' || name === 'fixtures' ? [] : walk(p);
        return name.endsWith('.test.js') ? [p] : [];
    });
}

const filters = process.argv.slice(2);
const files = walk('out/test').filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
    console.error('no test files found under out/test');
    process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
