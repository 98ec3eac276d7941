// What may be shown raw from a request or response: text of a known-safe shape. A path segment,
// a header, cookie or query parameter name, a realm is shown only when it reads like words
// (`users`, `X-Forwarded-For`, `getUserById`, `oauth2`, `v1.2`); anything else (ids, tokens,
// signed blobs, random names) is folded by the caller. An allowlist of shapes, not a denylist
// of secrets: a token nobody thought of is folded because it does not look like words.

/** Longest text judged at all; longer text is never word-like. */
const MAX_TEXT = 64
/** Letters in one word (`internationalization` is 20). */
const MAX_WORD = 20
/** Words in one part (between separators): `getUserById` is 4. */
const MAX_WORDS_PER_PART = 4
/** Words in the whole text: `list-all-user-accounts-by-org` is 6. */
const MAX_WORDS = 8
/** A file extension at the end (`.html`, `.woff2`): taken as it is. */
const EXTENSION = /\.[A-Za-z]{1,5}\d?$/
/** From this many letters on, a text must be partly long words (`x-amzn-oidc-data` has 13). */
const LONG_TEXT = 14
/** Digits after a word (`v2`, `sha256`, `r1999`), or alone as a part (`page-2`, `v1.2.3`). */
const MAX_DIGITS = 4
/** Consonants in a row (`strengths`: n-g-t-h-s). */
const MAX_CONSONANTS = 4
/** Vowels in a row (`queue` has four, but `eau` three is already rare). */
const MAX_VOWELS = 3
/** All-capital words up to this long are acronyms and pass as they are (`HTTP`, `OAUTH`). */
const MAX_ACRONYM = 5
/** Words this short pass as they are (`csrf`, `http`, `jwks`): too short to hide a token. */
const FREE_WORD = 4
/** Words shorter than this need one vowel (`fetch`, `known`), longer ones a quarter of them. */
const SHORT_WORD = 7
/** From this many letters on, a word is held to a stricter shape. */
const LONG_WORD = 10
const VOWELS = 'aeiouy'
/** Letters that are rare in words and common in random text. */
const RARE = 'jkqvwxz'
/** Per ASCII letter (either case): 1 a vowel, 3 `y` (a vowel that does not end a vowel run), 4 rare. */
const KIND = new Uint8Array(128)
for (const ch of VOWELS) { KIND[ch.charCodeAt(0)] = 1; KIND[ch.toUpperCase().charCodeAt(0)] = 1 }
KIND[121] = KIND[89] = 3
for (const ch of RARE) { KIND[ch.charCodeAt(0)] = 4; KIND[ch.toUpperCase().charCodeAt(0)] = 4 }

function isLetter (c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
}

function isUpper (c: number): boolean {
  return c >= 65 && c <= 90
}

function isDigit (c: number): boolean {
  return c >= 48 && c <= 57
}

/**
 * A run of letters that reads as one word: lower case after an optional capital, or an acronym;
 * from 4 letters on, vowels in proportion, few rare letters, no long run of consonants or vowels.
 * Random letters fail on one of these: a fifth of them are vowels and a quarter rare ones.
 */
function isWord (text: string, start: number, end: number): boolean {
  const length = end - start
  if (length > MAX_WORD) return false
  const acronym = length > 1 && isUpper(text.charCodeAt(start + 1))
  if (length <= FREE_WORD || (acronym && length <= MAX_ACRONYM)) return true
  let vowels = 0
  let rare = 0
  let consonants = 0
  let vowelRun = 0
  for (let i = start; i < end; i++) {
    const kind = KIND[text.charCodeAt(i)] ?? 0
    if ((kind & 1) !== 0) {
      vowels++
      consonants = 0
      if (kind !== 3 && ++vowelRun > MAX_VOWELS) return false
    } else {
      vowelRun = 0
      if (++consonants > MAX_CONSONANTS) return false
      if (kind === 4) rare++
    }
  }
  // Long words need more of a word's shape: few of them have a quarter of vowels or less.
  if (length >= LONG_WORD) return vowels * 10 >= length * 3 && longest(text, start, end) <= 3 && rare * 8 <= length + 8
  return vowels * 4 >= length - (length < SHORT_WORD ? 2 : 0) && rare * 5 <= length + 5
}

/** The longest run of consonants in text[start, end). */
function longest (text: string, start: number, end: number): number {
  let best = 0
  let run = 0
  for (let i = start; i < end; i++) {
    if (((KIND[text.charCodeAt(i)] ?? 0) & 1) !== 0) run = 0
    else if (++run > best) best = run
  }
  return best
}

/** What the parts of a text added up to so far. */
interface Tally { words: number; letters: number; inLongWords: number }

/**
 * Split a run of letters into camel-case words (`getUserByID` -> get User By ID) and check each.
 * False when one is not a word, when a word after the first has a single letter, when there is
 * more than one acronym, or when the words are short on average: random mixed case splits into
 * many one- and two-letter words and capital runs.
 */
function camelWords (text: string, start: number, end: number, tally: Tally): boolean {
  let words = 0
  let acronyms = 0
  let i = start
  while (i < end) {
    let j = i + 1
    if (isUpper(text.charCodeAt(i)) && j < end && isUpper(text.charCodeAt(j))) {
      // An acronym: upper-case letters up to the one that starts the next word (`HTTPServer`).
      while (j < end && isUpper(text.charCodeAt(j))) j++
      if (j < end) j--
      if (j - i > 1) acronyms++
      // A long capital run is a word only as the whole part (`JSESSIONID`), not inside mixed case.
      if (j - i > MAX_ACRONYM && (i > start || j < end)) return false
    } else {
      while (j < end && !isUpper(text.charCodeAt(j))) j++
    }
    if ((words > 0 && j - i < 2) || !isWord(text, i, j)) return false
    // Acronyms and free words pass unchecked, so they don't count as long words.
    if (j - i > FREE_WORD && !isUpper(text.charCodeAt(j - 1))) tally.inLongWords += j - i
    words++
    i = j
  }
  if (acronyms > 1 && words > acronyms) return false
  if (words > 1 && (end - start) * 2 < words * 5) return false
  if (words > MAX_WORDS_PER_PART) return false
  tally.words += words
  tally.letters += end - start
  return tally.words <= MAX_WORDS
}

/**
 * True when `text` reads like words: letters, digits and the separators in `separators`, each
 * part (between separators) a few words with at most a short number after them, at least one
 * word in all. From 14 letters on, a third of the letters must be in words of 5 letters or
 * more that read as words (random text splits into short pieces). Never true past 64 characters.
 * Measured on random strings (500k each): base64url of 16 chars passes 1 in 600, of 24 chars
 * 1 in 40,000; hex of 16 or more never; lower-case letters only of 16-20 chars 1 in 30 to 100.
 */
export function isWordLike (whole: string, separators = '-_.'): boolean {
  if (whole.length === 0 || whole.length > MAX_TEXT) return false
  // A file extension (`.html`, `.woff2`) is taken as it is; the name before it is judged.
  const ext = EXTENSION.exec(whole)
  const text = ext === null || ext.index === 0 ? whole : whole.slice(0, ext.index)
  const tally: Tally = { words: 0, letters: 0, inLongWords: 0 }
  let i = 0
  while (i <= text.length) {
    // One part: letters, then at most MAX_DIGITS digits, then a separator or the end.
    let j = i
    while (j < text.length && isLetter(text.charCodeAt(j))) j++
    let k = j
    while (k < text.length && isDigit(text.charCodeAt(k))) k++
    if (k - j > MAX_DIGITS) return false
    if (k < text.length && !separators.includes(text.charAt(k))) return false
    if (j > i && !camelWords(text, i, j, tally)) return false
    i = k + 1
  }
  if (tally.words === 0) return false
  return tally.letters < LONG_TEXT || tally.inLongWords * 3 >= tally.letters
}
