/**
 * The import a completion or the undefined-name fix adds, over the shapes an import section takes: the result for
 * each file is the expected text, Python compiles it, and nothing is added when the name is already there.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { before, describe, test } from 'node:test';
import { analyzePython, initPython } from '../../../src/shared/python/analyze';
import { applyEdits } from '../../../src/shared/rules';
import { queryImportEdit } from '../../../src/shared/rules/importEdit';
import { LineIndex } from '../../../src/shared/rules/text';

const DEP = 'app = Deployment(name="x")\n';

/** [what, file before, name, file after (undefined: no edit)] */
const table: [string, string, string, string | undefined][] = [
    [
        'merged in isort type order (CONSTANTS, Classes, names)',
        'from vastai import Deployment\nfrom vastai.data.query import RTX_4090, Column, gpu_name\n' + DEP,
        'H100_SXM',
        'from vastai import Deployment\nfrom vastai.data.query import H100_SXM, RTX_4090, Column, gpu_name\n' + DEP,
    ],
    [
        'merged case-insensitively when the list is written that way',
        'from vastai import Deployment\nfrom vastai.data.query import gpu_name, RTX_4090\n' + DEP,
        'num_gpus',
        'from vastai import Deployment\nfrom vastai.data.query import gpu_name, num_gpus, RTX_4090\n' + DEP,
    ],
    [
        'appended to an unsorted list',
        'from vastai import Deployment\nfrom vastai.data.query import gpu_ram, RTX_4090, gpu_name\n' + DEP,
        'A100_PCIE',
        'from vastai import Deployment\nfrom vastai.data.query import gpu_ram, RTX_4090, gpu_name, A100_PCIE\n' + DEP,
    ],
    [
        'one per line in parentheses: its own line, trailing comma kept',
        'from vastai import Deployment\nfrom vastai.data.query import (\n    RTX_4090,\n    gpu_name,\n)\n' + DEP,
        'num_gpus',
        'from vastai import Deployment\nfrom vastai.data.query import (\n    RTX_4090,\n    gpu_name,\n    num_gpus,\n)\n' +
            DEP,
    ],
    [
        'one per line in parentheses, inserted first',
        'from vastai import Deployment\nfrom vastai.data.query import (\n    RTX_4090,\n    gpu_name,\n)\n' + DEP,
        'A100_PCIE',
        'from vastai import Deployment\nfrom vastai.data.query import (\n    A100_PCIE,\n    RTX_4090,\n    gpu_name,\n)\n' +
            DEP,
    ],
    [
        'backslash continuation: stays on the line (a line break there would not compile)',
        'from vastai import Deployment\nfrom vastai.data.query import RTX_4090, \\\n    gpu_name\n' + DEP,
        'num_gpus',
        'from vastai import Deployment\nfrom vastai.data.query import RTX_4090, \\\n    gpu_name, num_gpus\n' + DEP,
    ],
    [
        'an aliased name sorts by the imported name',
        'from vastai import Deployment\nfrom vastai.data.query import gpu_name as g, RTX_4090\n' + DEP,
        'cpu_ram',
        'from vastai import Deployment\nfrom vastai.data.query import cpu_ram, gpu_name as g, RTX_4090\n' + DEP,
    ],
    [
        'no import from the module: a new line after the last import',
        '"""Service."""\nimport os\n\nfrom vastai import Deployment\n\n' + DEP,
        'RTX_4090',
        '"""Service."""\nimport os\n\nfrom vastai import Deployment\nfrom vastai.data.query import RTX_4090\n\n' + DEP,
    ],
    [
        'the last import on a last line without a line break',
        'import vastai\nfrom vastai import Deployment',
        'gpu_ram',
        'import vastai\nfrom vastai import Deployment\nfrom vastai.data.query import gpu_ram',
    ],
    [
        'CRLF line breaks are kept',
        'from vastai import Deployment\r\nfrom vastai.data.query import (\r\n    RTX_4090,\r\n    gpu_name,\r\n)\r\n',
        'gpu_ram',
        'from vastai import Deployment\r\nfrom vastai.data.query import (\r\n    RTX_4090,\r\n    gpu_name,\r\n    gpu_ram,\r\n)\r\n',
    ],
    [
        'an import inside a function does not count as the module-level one',
        'from vastai import Deployment\n\n\ndef f():\n    from vastai.data.query import gpu_name\n    return gpu_name\n',
        'RTX_4090',
        'from vastai import Deployment\nfrom vastai.data.query import RTX_4090\n\n\ndef f():\n    from vastai.data.query import gpu_name\n    return gpu_name\n',
    ],
    ['already imported: nothing', 'from vastai.data.query import gpu_name, RTX_4090\n', 'RTX_4090', undefined],
    ['a star import binds it: nothing', 'from vastai.data.query import *\n', 'RTX_4090', undefined],
];

void describe('queryImportEdit', () => {
    before(() => initPython());
    const compiled: string[] = [];
    for (const [what, text, name, want] of table) {
        void test(what, () => {
            const edit = queryImportEdit(analyzePython(text), name, new LineIndex(text));
            if (want === undefined) return assert.equal(edit, undefined);
            assert.ok(edit, 'an edit');
            const got = applyEdits(text, [edit]);
            assert.equal(got, want);
            compiled.push(got);
        });
    }
    void test('Python compiles every result', () => {
        assert.equal(compiled.length, table.filter((r) => r[3] !== undefined).length);
        const script = 'import ast, json, sys\nfor t in json.load(sys.stdin): ast.parse(t)\nprint("ok")';
        const out = execFileSync('/usr/bin/python3', ['-c', script], {
            input: JSON.stringify(compiled),
            encoding: 'utf8',
        });
        assert.equal(out.trim(), 'ok');
    });
});
