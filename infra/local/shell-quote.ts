// Quoting for the POSIX shell commands the local banner prints, so values paste as they are.

/** Single-quoted for sh: nothing inside is expanded; a quote in the value is closed, escaped and reopened. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
