/**
 * A search box's text as terms: split on whitespace, each term at most 64 characters, at most
 * 5 terms, duplicates dropped. Every term must occur (AND). Chinese needs no splitting: the
 * trigram index finds any substring.
 */
export const MAX_TERMS = 5
export const MAX_TERM_LENGTH = 64

export function searchTerms(query: string): string[] {
  const terms: string[] = []
  for (const raw of query.split(/\s+/u)) {
    const term = Array.from(raw).slice(0, MAX_TERM_LENGTH).join('')
    if (term === '' || terms.includes(term)) continue
    terms.push(term)
    if (terms.length === MAX_TERMS) break
  }
  return terms
}

/** `%term%` for LIKE … ESCAPE '\', with the term's own `%`, `_` and `\` taken literally. */
export function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}
