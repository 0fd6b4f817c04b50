// `npm run package [-- --out FILE]`: a production build packed into a .vsix with @vscode/vsce.
// Everything the extension needs at run time is bundled into dist/, so the .vsix carries no node_modules and
// works offline (the tree-sitter wasm files and the emulator's Python shim sit next to the bundles).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { VSCE_PACKAGE_ARGS } from './vsceArgs.mjs';

const { name, version } = JSON.parse(readFileSync('package.json', 'utf8'));
const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 ? process.argv[outIndex + 1] : `${name}-${version}.vsix`;
// vsce runs the `vscode:prepublish` script (the production build) itself.
const r = spawnSync(process.execPath, ['node_modules/@vscode/vsce/vsce', ...VSCE_PACKAGE_ARGS, '--out', out], {
    stdio: 'inherit',
});
process.exit(r.status ?? 1);
