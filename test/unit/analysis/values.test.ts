// Static evaluation of argument values: each row is an expression and the value it must read as.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { analyzePython, initPython } from '../../../src/shared/python/analyze';
import type { PyValue } from '../../../src/shared/model';
import { repr } from './summary';

const HEADER = [
    'from vastai import Deployment',
    'from vastai.data.query import gpu_name, gpu_ram, num_gpus, id_, Column, RTX_4090, H100_SXM as H',
    'from vastai.data import query as q',
    'import vastai.data.query as qq',
    'STORAGE = 16',
    'NAME = "svc" + "-" + str(1)',
    'TWICE = 1',
    'TWICE = 2',
    'BUMPED = 1',
    'BUMPED += 1',
    'LOOP = LOOP',
    '',
].join('\n');

function valueOf(expr: string): PyValue {
    const result = analyzePython(`${HEADER}app = Deployment(v=${expr})\n`);
    const arg = result.deployments[0]?.call.args[0];
    assert.ok(arg, `no deployment read for ${expr}`);
    return arg.value;
}

const rows: [string, string][] = [
    // strings
    ['"plain"', "'plain'"],
    ["'single'", "'single'"],
    ['"""triple\nline"""', "'triple\nline'"],
    ["r'\\d\\n'", "'\\d\\n'"],
    ["u'\\u00e9\\x41\\101\\t'", "'éAA\t'"],
    ['"a" "b" \'c\'', "'abc'"],
    ['("implicit"\n  " concat")', "'implicit concat'"],
    ['"\\N{BULLET}"', '<dyn "\\N{BULLET}">'],
    ['"unknown \\q escape"', "'unknown \\q escape'"],
    ['f"no placeholders {{x}}"', "'no placeholders {x}'"],
    ['f"{STORAGE}gb"', "'16gb'"],
    ['f"{STORAGE:>4}gb"', '<dyn f"{STORAGE:>4}gb">'],
    ["b'bytes'", "<dyn b'bytes'>"],
    // numbers
    ['1_000', '1000'],
    ['0x1f', '31'],
    ['0o17', '15'],
    ['0b101', '5'],
    ['1e3', '1000.0'],
    ['2.5', '2.5'],
    ['.5', '0.5'],
    ['1_000.5', '1000.5'],
    ['-1', '-1'],
    ['+2', '2'],
    ['-(3.5)', '-3.5'],
    ['~0', '-1'],
    ['3j', '<dyn 3j>'],
    // arithmetic with Python int/float rules
    ['86400 * 3', '259200'],
    ['7 / 2', '3.5'],
    ['8 / 2', '4.0'],
    ['7 // 2', '3'],
    ['-7 // 2', '-4'],
    ['7.0 // 2', '3.0'],
    ['-7 % 3', '2'],
    ['7 % -3', '-2'],
    ['2 ** 10', '1024'],
    ['2 ** -1', '0.5'],
    ['1 + 2.0', '3.0'],
    ['True + 1', '2'],
    ['1 / 0', '<dyn 1 / 0>'],
    ['"ab" * 2', "'abab'"],
    ['"a" + "b"', "'ab'"],
    ['"a" + 1', '<dyn "a" + 1>'],
    // constants, containers
    ['True', 'True'],
    ['False', 'False'],
    ['None', 'None'],
    ['[1, "a", None]', "[1, 'a', None]"],
    ['(1,)', '(1,)'],
    ['()', '()'],
    ['{1, 2}', '{1, 2}'],
    ['{"k": [1, 2.0], 3: {}}', "{'k': [1, 2.0], 3: {}}"],
    ['[*xs]', '<dyn [*xs]>'],
    ['{**d}', '<dyn {**d}>'],
    ['[x for x in y]', '<dyn [x for x in y]>'],
    // names
    ['STORAGE', '16'],
    ['STORAGE * 2', '32'],
    ['NAME', '<dyn NAME>'],
    ['TWICE', '<dyn TWICE>'],
    ['BUMPED', '<dyn BUMPED>'],
    ['LOOP', '<dyn LOOP>'],
    ['undefined_name', '<dyn undefined_name>'],
    ['RTX_4090', "'RTX 4090'"],
    ['H', "'H100 SXM'"],
    ['q.L40S', "'L40S'"],
    ['qq.A100_PCIE', "'A100 PCIE'"],
    ['os.environ["X"]', '<dyn os.environ["X"]>'],
    ['call()', '<dyn call()>'],
    // lambdas
    ['lambda: {"text": "hello"}', "lambda : {'text': 'hello'}"],
    ['lambda a, b=1: a', 'lambda a, b: <dyn a>'],
    // queries
    ['gpu_ram >= 24000', 'gpu_ram gte 24000'],
    ['gpu_ram >= 24e3', 'gpu_ram gte 24000.0'],
    ['gpu_name == RTX_4090', "gpu_name eq 'RTX 4090'"],
    ['gpu_name != H', "gpu_name neq 'H100 SXM'"],
    ['num_gpus < 2', 'num_gpus lt 2'],
    ['num_gpus <= 2', 'num_gpus lte 2'],
    ['num_gpus > 2', 'num_gpus gt 2'],
    ['2 <= num_gpus', 'num_gpus gte 2'],
    ['gpu_name.in_([RTX_4090, "A100 SXM"])', "gpu_name in ['RTX 4090', 'A100 SXM']"],
    ['gpu_name.notin_([H])', "gpu_name notin ['H100 SXM']"],
    ['q.num_gpus == 1', 'num_gpus eq 1'],
    ['qq.gpu_ram > 1000', 'gpu_ram gt 1000'],
    ['id_ == 5', 'id_(id) eq 5'],
    ['Column("gpu_ram") >= 24000.0', 'gpu_ram gte 24000.0'],
    ['q.Column("dph_total") < 2', 'dph_total lt 2'],
    ['(gpu_ram >= 24000)', 'gpu_ram gte 24000'],
    ['num_gpus == STORAGE', 'num_gpus eq 16'],
    ['num_gpus == count', 'num_gpus eq <dyn count>'],
    // The SDK's Query has no `&`, `|` or chained comparisons: such expressions cannot be read.
    ['(gpu_ram >= 1) & (num_gpus == 1)', '<dyn (gpu_ram >= 1) & (num_gpus == 1)>'],
    ['1 < num_gpus < 4', '<dyn 1 < num_gpus < 4>'],
    ['gpu_name.in_()', '<dyn gpu_name.in_()>'],
    ['other.in_([1])', '<dyn other.in_([1])>'],
    ['RTX_4090 == 1', '<dyn RTX_4090 == 1>'],
];

void describe('value evaluation', () => {
    before(() => initPython());
    for (const [expr, expected] of rows) {
        void test(expr, () => assert.equal(repr(valueOf(expr)), expected));
    }

    void test('a constant keeps the use-site range', () => {
        const v = valueOf('STORAGE');
        // `app = Deployment(v=STORAGE)` is line 11; the name starts after `v=`.
        assert.deepEqual(v.range, { start: { line: 11, character: 19 }, end: { line: 11, character: 26 } });
    });

    void test('dynamic values keep their range and text', () => {
        const v = valueOf('call(1)');
        assert.equal(v.kind, 'dynamic');
        assert.deepEqual(v.range, { start: { line: 11, character: 19 }, end: { line: 11, character: 26 } });
        assert.equal(v.kind === 'dynamic' ? v.text : '', 'call(1)');
    });
});
