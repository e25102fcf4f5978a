/* `%`, `_` and `\` typed by a person are literal characters in a LIKE pattern, not wildcards. */
export function likeEscape(text: string) {
  return text.replace(/[%_\\]/g, '\\$&')
}
