// Fix texts are written with Markdown code spans (`proxy_set_header Authorization $http_authorization;`).
// The text is cut at the backticks first and every piece escaped on its own, so a backtick or a
// tag inside the text can never open markup: only the <code> elements made here exist.
import { escapeHtml } from './escape.js'

export function codeSpans (text: string): string {
  const parts = text.split('`')
  let out = ''
  for (let i = 0; i < parts.length; i++) {
    const piece = escapeHtml(parts[i])
    if (i % 2 === 0) { out += piece; continue }
    // An odd piece is code when a closing backtick follows it; the last piece of an odd count of
    // backticks has none, and an empty span (``) shows as the two backticks it was.
    const closed = i < parts.length - 1
    out += closed && piece !== '' ? `<code>${piece}</code>` : `&#96;${piece}${closed ? '&#96;' : ''}`
  }
  return out
}
