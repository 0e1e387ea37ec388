/** Types of build_console.mjs, for the tests that build the console bundle before serving it. */
/** Bundles packages/identity/console/ into packages/identity/console-dist/; returns that folder. */
export function buildConsole(): Promise<string>
