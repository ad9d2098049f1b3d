// Starts the emulators once per test run (filled in by the store work).
export default async function setup(): Promise<void> {}
