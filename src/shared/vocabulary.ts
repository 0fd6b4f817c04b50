/**
 * The SDK's query vocabulary (`vastai/data/query.py`): column objects and GPU name constants, for evaluating
 * `require(...)` queries, completion and checking names. Data copied from the SDK's golden vectors.
 */
import vocabulary from './queryVocabulary.json';

/** Python name -> server column (`id_` -> `id`). */
export const QUERY_COLUMNS: Readonly<Record<string, string>> = vocabulary.columns;
/** Python constant name -> the GPU name the server knows (`RTX_4090` -> `RTX 4090`). */
export const GPU_NAMES: Readonly<Record<string, string>> = vocabulary.gpu_names;

const gpuValues = new Set(Object.values(GPU_NAMES));

/** The server column for a Python column name, or undefined when the SDK has no such column. */
export function serverColumn(pythonName: string): string | undefined {
    return Object.prototype.hasOwnProperty.call(QUERY_COLUMNS, pythonName) ? QUERY_COLUMNS[pythonName] : undefined;
}

/** The GPU name string of a constant (`RTX_4090` -> `RTX 4090`), or undefined. */
export function gpuConstant(pythonName: string): string | undefined {
    return Object.prototype.hasOwnProperty.call(GPU_NAMES, pythonName) ? GPU_NAMES[pythonName] : undefined;
}

/** True when `name` is a GPU name the server knows (`RTX 4090`); underscores count as spaces, as the server reads them. */
export function isKnownGpuName(name: string): boolean {
    return gpuValues.has(name) || gpuValues.has(name.replace(/_/g, ' '));
}

/** Query columns whose values are megabytes on the wire (`search_params` divides them by 1000). */
export const MEGABYTE_COLUMNS: readonly string[] = ['gpu_ram', 'cpu_ram', 'gpu_total_ram'];
