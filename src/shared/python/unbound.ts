/**
 * Names an expression uses that nothing in the file binds: Python raises NameError when it runs (`RTX_4090` in a
 * `require(...)` without its import). Conservative: any occurrence of the name in a position that may bind it
 * (an assignment target, an import, a parameter, a `for` target, `global`...) counts as a binding, and so does a
 * `from x import *` of a module the editor cannot read.
 */
import type { Node } from 'web-tree-sitter';
import type { Range } from '../model';
import type { Bindings } from './imports';
import { parentOf, rangeOf, sameNode, type SourceIndex } from './nodes';

/** Python's builtins (3.8 to 3.13) and the module attributes every module has. */
const BUILTINS = new Set(
    (
        'ArithmeticError AssertionError AttributeError BaseException BaseExceptionGroup BlockingIOError ' +
        'BrokenPipeError BufferError BytesWarning ChildProcessError ConnectionAbortedError ConnectionError ' +
        'ConnectionRefusedError ConnectionResetError DeprecationWarning EOFError Ellipsis EncodingWarning ' +
        'EnvironmentError Exception ExceptionGroup False FileExistsError FileNotFoundError FloatingPointError ' +
        'FutureWarning GeneratorExit IOError ImportError ImportWarning IndentationError IndexError InterruptedError ' +
        'IsADirectoryError KeyError KeyboardInterrupt LookupError MemoryError ModuleNotFoundError NameError None ' +
        'NotADirectoryError NotImplemented NotImplementedError OSError OverflowError PendingDeprecationWarning ' +
        'PermissionError ProcessLookupError PythonFinalizationError RecursionError ReferenceError ResourceWarning ' +
        'RuntimeError RuntimeWarning StopAsyncIteration StopIteration SyntaxError SyntaxWarning SystemError ' +
        'SystemExit TabError TimeoutError True TypeError UnboundLocalError UnicodeDecodeError UnicodeEncodeError ' +
        'UnicodeError UnicodeTranslateError UnicodeWarning UserWarning ValueError Warning ZeroDivisionError ' +
        '__build_class__ __debug__ __doc__ __import__ __loader__ __name__ __package__ __spec__ __file__ __cached__ ' +
        '__builtins__ __annotations__ __dict__ __path__ abs aiter all anext any ascii bin bool breakpoint bytearray ' +
        'bytes callable chr classmethod compile complex copyright credits delattr dict dir divmod enumerate eval ' +
        'exec exit filter float format frozenset getattr globals hasattr hash help hex id input int isinstance ' +
        'issubclass iter len license list locals map max memoryview min next object oct open ord pow print ' +
        'property quit range repr reversed round set setattr slice sorted staticmethod str sum super tuple type ' +
        'vars zip'
    ).split(' '),
);

/** Parents under which an identifier is only read. Any other parent may bind it (or is not understood). */
const READ_PARENTS = new Set([
    'argument_list',
    'list',
    'tuple',
    'set',
    'expression_list',
    'comparison_operator',
    'binary_operator',
    'boolean_operator',
    'unary_operator',
    'not_operator',
    'parenthesized_expression',
    'conditional_expression',
    'expression_statement',
    'return_statement',
    'pair',
    'subscript',
    'slice',
    'list_splat',
    'dictionary_splat',
    'call',
    'await',
    'interpolation',
    'attribute',
    'keyword_argument',
]);

/** Scopes of their own inside an expression: their names are not looked at. */
const OWN_SCOPES = new Set([
    'lambda',
    'list_comprehension',
    'set_comprehension',
    'dictionary_comprehension',
    'generator_expression',
]);

/** Most nodes of one call's arguments looked at (a pathological argument is not worth more). */
const MAX_NODES = 2000;

/** The identifiers `node` reads that nothing in the file binds, in source order. */
export function unboundNames(node: Node, index: SourceIndex, bindings: Bindings): { name: string; range: Range }[] {
    const out: { name: string; range: Range }[] = [];
    const known = new Map<string, boolean>();
    const stack: Node[] = [node];
    let seen = 0;
    while (stack.length > 0 && seen++ < MAX_NODES) {
        const n = stack.pop() as Node;
        if (n.type === 'identifier') {
            // A MISSING identifier is where the parser expected one (`gpu_ram >= ` mid-edit): nothing is used yet.
            if (n.isMissing || n.text === '' || !isRead(n)) continue;
            let bound = known.get(n.text);
            if (bound === undefined) {
                bound = isBound(n.text, index, bindings);
                known.set(n.text, bound);
            }
            if (!bound) out.push({ name: n.text, range: rangeOf(n) });
            continue;
        }
        if (OWN_SCOPES.has(n.type) || n.isError) continue;
        for (let i = n.namedChildCount - 1; i >= 0; i--) {
            const c = n.namedChild(i);
            if (c) stack.push(c);
        }
    }
    return out;
}

/** True when an identifier inside an argument list is a name being read (not `x.NAME`, not `f(NAME=...)`). */
function isRead(id: Node): boolean {
    const parent = parentOf(id);
    if (parent?.type === 'attribute') return sameNode(parent.childForFieldName('object'), id);
    if (parent?.type === 'keyword_argument') return !sameNode(parent.childForFieldName('name'), id);
    return true;
}

/** True when `name` may be bound when the code runs: a builtin, a vastai import, or any binding in the file. */
function isBound(name: string, index: SourceIndex, bindings: Bindings): boolean {
    if (BUILTINS.has(name) || bindings.qualifyName(name) !== undefined) return true;
    for (const id of index.identifiers(name)) if (mayBind(id)) return true;
    // `from somewhere import *` may define anything.
    return /^[ \t]*from[ \t]+[\w.]+[ \t]+import[ \t]*\*/m.test(index.text);
}

function mayBind(id: Node): boolean {
    const parent = parentOf(id);
    if (!parent) return true;
    if (parent.type === 'assignment' || parent.type === 'augmented_assignment') {
        return sameNode(parent.childForFieldName('left'), id);
    }
    if (parent.type === 'attribute' || parent.type === 'keyword_argument') return false;
    return !READ_PARENTS.has(parent.type);
}
