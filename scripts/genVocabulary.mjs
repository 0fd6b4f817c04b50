// Generates every copy of the SDK's query vocabulary from the one source, ../shared/compat/query-vocabulary.json:
// the TypeScript side (src/shared/queryVocabulary.json) and the emulator's Python (vastai/data/_vocabulary.py).
// `--check` writes nothing and exits 1 when a copy differs from what it would generate (CI and the unit test).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SOURCE = resolve(root, '../shared/compat/query-vocabulary.json');
export const TS_COPY = join(root, 'src/shared/queryVocabulary.json');
export const PY_COPY = join(root, 'src/emulator/python/vastai/data/_vocabulary.py');

/** A Python str literal in single quotes (vocabulary names are plain text, but escape anyway). */
function pyStr(s) {
    return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function pyDict(name, entries) {
    return [`${name} = {`, ...Object.entries(entries).map(([k, v]) => `    ${pyStr(k)}: ${pyStr(v)},`), '}'].join('\n');
}

export function render(vocabulary) {
    const { columns, gpu_names: gpuNames } = vocabulary;
    const ts = JSON.stringify({ columns, gpu_names: gpuNames }, null, 4) + '\n';
    const py =
        [
            '# Generated from ../shared/compat/query-vocabulary.json by `npm run gen-vocabulary`: do not edit.',
            '# Python name -> server column, and Python name -> GPU name string.',
            pyDict('COLUMNS', columns),
            pyDict('GPU_NAMES', gpuNames),
        ].join('\n') + '\n';
    return { [TS_COPY]: ts, [PY_COPY]: py };
}

const check = process.argv.includes('--check');
const outputs = render(JSON.parse(readFileSync(SOURCE, 'utf8')));
let drifted = 0;
for (const [file, text] of Object.entries(outputs)) {
    let current = '';
    try {
        current = readFileSync(file, 'utf8');
    } catch {
        current = '';
    }
    if (current === text) continue;
    if (check) {
        console.error(`${file} differs from ${SOURCE}: run npm run gen-vocabulary`);
        drifted++;
    } else {
        writeFileSync(file, text);
        console.log(`wrote ${file}`);
    }
}
process.exit(drifted > 0 ? 1 : 0);
