// Placeholder entry until the language server lands.
export {};
