/**
 * The offers search `vastai search offers` makes (`vastai/cli/commands/offers.py` → `POST /api/v0/bundles/`), built
 * from a deployment's own `search_params` string: parsed like `vastai/api/query.py::parse_query` (aliases, the
 * MB/second multipliers, `_` → space, true/false/None), then the CLI's `order`, `type`, `limit` and
 * `allocated_storage` keys. The search defaults (verified, rentable, rented) are already in `search_params`, so
 * none are added (the CLI's `--no-default`); what is searched is exactly what the deployment asks for.
 */

/** `{column: {op: value}}` plus the request keys, as the CLI sends it. */
export type OffersQuery = Record<string, unknown>;

const OP_NAMES: Record<string, string> = {
    '>=': 'gte',
    '>': 'gt',
    gt: 'gt',
    gte: 'gte',
    '<=': 'lte',
    '<': 'lt',
    lt: 'lt',
    lte: 'lte',
    '!=': 'neq',
    '==': 'eq',
    '=': 'eq',
    eq: 'eq',
    neq: 'neq',
    noteq: 'neq',
    'not eq': 'neq',
    notin: 'notin',
    'not in': 'notin',
    nin: 'notin',
    in: 'in',
};

/** `offers_alias` of vastai/api/query.py. */
export const OFFERS_ALIAS: Readonly<Record<string, string>> = {
    cuda_vers: 'cuda_max_good',
    display_active: 'gpu_display_active',
    dlperf_usd: 'dlperf_per_dphtotal',
    dph: 'dph_total',
    flops_usd: 'flops_per_dphtotal',
};

/** `offers_mult` of vastai/api/query.py: the value on the wire is multiplied by this. */
export const OFFERS_MULT: Readonly<Record<string, number>> = {
    cpu_ram: 1000,
    gpu_ram: 1000,
    gpu_total_ram: 1000,
    duration: 24 * 60 * 60,
};

/** A parse error with the CLI's text. */
export class QueryParseError extends Error {}

const PATTERN =
    /([a-zA-Z0-9_]+)( *[=><!]+| +(?:[lg]te?|nin|neq|eq|not ?eq|not ?in|in) )?( *)(\[[^\]]+\]|"[^"]+"|[^ ]+)?( *)/g;

/** `numeric_version`: "535.86.05" -> 535086005; anything but three parts -> null. */
function driverVersion(v: string): number | null {
    const parts = v.split('.');
    if (parts.length !== 3 || parts.some((p) => !/^\d+$/.test(p))) return null;
    return Number(parts.map((p) => p.padStart(3, '0')).join(''));
}

/** `parse_query(query_str, {}, offers_fields, offers_alias, offers_mult)`. Throws QueryParseError. */
export function parseQuery(queryStr: string): Record<string, Record<string, unknown>> {
    const s = queryStr.trim();
    const res: Record<string, Record<string, unknown>> = {};
    const opts = [...s.matchAll(PATTERN)].filter((m) => m[0] !== '');
    const joined = opts.map((m) => m[0]).join('');
    if (joined !== s) {
        throw new QueryParseError(`Unconsumed text. Did you forget to quote your query? ${joined} != ${s}`);
    }
    for (const m of opts) {
        let field = m[1]!;
        const op = (m[2] ?? '').trim();
        let value: unknown = (m[4] ?? '').replace(/^[,[\]]+|[,[\]]+$/g, '');
        const opName = OP_NAMES[op];
        if (field in OFFERS_ALIAS) {
            const old = field;
            field = OFFERS_ALIAS[field]!;
            if (old in res) {
                res[field] = res[old]!;
                delete res[old];
            }
        }
        const v = (res[field] ??= {});
        if (field === 'driver_version' && typeof value === 'string' && value.includes('.')) {
            value = driverVersion(value);
        }
        if (!opName) throw new QueryParseError(`Unknown operator. Did you forget to quote your query? '${op}'`);
        if (opName === 'in' || opName === 'notin') {
            value = String(value)
                .split(',')
                .map((x) => x.trim())
                .filter((x) => x !== '');
        }
        if (value === '' || value === null || (Array.isArray(value) && value.length === 0)) {
            throw new QueryParseError(
                `Value cannot be blank. Did you forget to quote your query? ('${field}', '${op}')`,
            );
        }
        if (value === '?' || value === '*' || value === 'any') {
            if (opName !== 'eq') throw new QueryParseError('Wildcard only makes sense with equals.');
            delete res[field];
            continue;
        }
        if (typeof value === 'string') value = value.replace(/_/g, ' ').replace(/^"+|"+$/g, '');
        else if (Array.isArray(value)) value = value.map((x: string) => x.replace(/_/g, ' ').replace(/^"+|"+$/g, ''));
        if (field in OFFERS_MULT) {
            v[opName] = Number(value) * OFFERS_MULT[field]!;
        } else if (value === 'true' || value === 'True') v[opName] = true;
        else if (value === 'false' || value === 'False') v[opName] = false;
        else if (value === 'None' || value === 'null') v[opName] = null;
        else v[opName] = value;
    }
    return res;
}

/** Cheapest first; enough rows to count "how many match" and price `max_workers` of them. */
export const OFFERS_LIMIT = 1000;

/** The `POST /api/v0/bundles/` body for a deployment's `search_params` and `storage` (GB). */
export function offersQuery(searchParams: string, storage: number): OffersQuery {
    return {
        ...parseQuery(searchParams),
        order: [['dph_total', 'asc']],
        type: 'on-demand',
        limit: OFFERS_LIMIT,
        allocated_storage: storage,
    };
}
