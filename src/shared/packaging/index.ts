/** Pure packaging: the evaluated deployment spec, Python-exact formatting, search_params, env and the PUT body. */
export * from './spec';
export * from './searchParams';
export * from './pyFormat';
export * from './ignoreFilter';
export * from './wire';
export * from './envReads';
