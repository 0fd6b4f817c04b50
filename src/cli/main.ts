// Placeholder entry until the CLI lands.
export {};
