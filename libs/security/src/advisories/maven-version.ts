/**
 * Maven version order: the algorithm of Apache Maven's
 * `org.apache.maven.artifact.versioning.ComparableVersion` (Maven 3.9), which OSV's `Maven`
 * ecosystem uses for ECOSYSTEM ranges (https://maven.apache.org/pom.html#version-order-specification).
 *
 * Hand-written because no well-kept npm library implements it: the only one, `mvncmp`, has a few
 * thousand weekly downloads and no maintenance. Everything else here comes from libraries; this
 * file follows Maven's algorithm and is tested against the orderings of Maven's own
 * `ComparableVersionTest`.
 *
 * The algorithm in brief:
 * - The version is lower-cased and cut into items at `.`, at `-`, and wherever digits and letters
 *   meet (`1.0alpha1` → 1, 0, alpha, 1). A digit run is an int, anything else a string.
 * - `-`, and a digit/letter transition, open a sub-list, so `1-1` is `[1, [1]]`: a hyphenated part
 *   always weighs less than a dotted number (`1-1 < 1.0.1`). A string after a dot is read as if a
 *   hyphen stood there (`2.0.a` equals `2-a`, and `1.0.0.RC1 < 1.0.0-RC2`; Maven's MNG-7644).
 * - Trailing "null" items (0, the empty string, an empty list) are dropped, so 1 = 1.0 = 1.0.0 = 1-0.
 * - Strings order as alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp,
 *   then any other string, alphabetically. `a`, `b` and `m` directly followed by a digit mean alpha,
 *   beta and milestone (`1-a1` = `1-alpha-1`); alone they are ordinary strings.
 * - Comparing item by item, a missing item compares as "null": an int > 0 is above it, a qualifier
 *   below "" (alpha, rc, snapshot) is below it, so 1-SNAPSHOT < 1 < 1-sp.
 *
 * Two deliberate differences from the Java class, neither changing the order of real versions:
 * numbers are BigInts instead of int/long/BigInteger items (after leading zeros are stripped the
 * Java types differ only in magnitude, so the order is the same), and only ASCII digits count as
 * digits (Java's `Character.isDigit` also takes other scripts' digits, as Maven 4 no longer does).
 *
 * Maven accepts any string as a version. This module refuses the empty string, strings containing
 * whitespace or control characters, and strings longer than 256 characters (Maven 4's own limit):
 * they are not versions anyone published, and comparing them would only be a guess.
 */

type Item = IntItem | StringItem | ListItem;

interface IntItem {
  kind: 'int';
  value: bigint;
}

interface StringItem {
  kind: 'string';
  value: string;
}

interface ListItem {
  kind: 'list';
  items: Item[];
}

/** A parsed Maven version: compare two with `compareMavenVersions`. */
export interface MavenVersion {
  readonly text: string;
  readonly items: ListItem;
}

const MAX_VERSION_LENGTH = 256;

/** In order; a qualifier's place in this list is its weight. "" is the release itself. */
const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
/** Spellings of the release itself, weighing the same as no qualifier. */
const RELEASE_QUALIFIERS = new Set(['ga', 'final', 'release']);
const RELEASE_WEIGHT = String(QUALIFIERS.indexOf(''));
const ALIASES: Readonly<Record<string, string>> = { cr: 'rc' };
/** One-letter shorthands, only when a digit follows: `a1` is alpha 1, but `1-a` is the string "a". */
const SHORTHANDS: Readonly<Record<string, string>> = { a: 'alpha', b: 'beta', m: 'milestone' };

const ZERO: IntItem = { kind: 'int', value: 0n };

/** Null when `text` is not something we accept as a Maven version (see the top of this file). */
export function parseMavenVersion(text: string): MavenVersion | null {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (text.length === 0 || text.length > MAX_VERSION_LENGTH || /[\s\u0000-\u001f\u007f]/.test(text)) {
    return null;
  }
  return { text, items: parseItems(text.toLowerCase()) };
}

/** Negative, zero or positive as `a` sorts before, equal to or after `b` in Maven's order. */
export function compareMavenVersions(a: MavenVersion, b: MavenVersion): number {
  return compareItems(a.items, b.items);
}

function parseItems(version: string): ListItem {
  const root: ListItem = { kind: 'list', items: [] };
  let list = root;
  // Every list opened, innermost last, to normalise them inside-out at the end as Maven does.
  const opened: ListItem[] = [root];
  const openSublist = (): void => {
    const sublist: ListItem = { kind: 'list', items: [] };
    list.items.push(sublist);
    list = sublist;
    opened.push(sublist);
  };

  let inDigits = false;
  let start = 0;
  for (let i = 0; i < version.length; i++) {
    const c = version[i];
    if (c === '.' || c === '-') {
      list.items.push(i === start ? ZERO : parseItem(inDigits, version.slice(start, i)));
      start = i + 1;
      if (c === '-') openSublist();
    } else if (isDigit(c)) {
      if (!inDigits && i > start) {
        // Letters then a digit: the letters are a qualifier, in a sub-list of their own even
        // after a dot (".X1" reads as "-X1").
        if (list.items.length > 0) openSublist();
        list.items.push(stringItem(version.slice(start, i), true));
        start = i;
        openSublist();
      }
      inDigits = true;
    } else {
      if (inDigits && i > start) {
        list.items.push(parseItem(true, version.slice(start, i)));
        start = i;
        openSublist();
      }
      inDigits = false;
    }
  }
  if (version.length > start) {
    // A trailing qualifier after a dot also reads as if hyphenated: 2.0.a = 2-a.
    if (!inDigits && list.items.length > 0) openSublist();
    list.items.push(parseItem(inDigits, version.slice(start)));
  }

  for (let i = opened.length - 1; i >= 0; i--) normalize(opened[i]);
  return root;
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function parseItem(isNumber: boolean, text: string): Item {
  return isNumber ? { kind: 'int', value: BigInt(text) } : stringItem(text, false);
}

function stringItem(text: string, followedByDigit: boolean): StringItem {
  const expanded = followedByDigit ? (SHORTHANDS[text] ?? text) : text;
  return { kind: 'string', value: ALIASES[expanded] ?? expanded };
}

function isNull(item: Item): boolean {
  switch (item.kind) {
    case 'int':
      return item.value === 0n;
    case 'string':
      return item.value === '';
    case 'list':
      return item.items.length === 0;
  }
}

/**
 * Drops trailing null items (1.0.0 → 1), looking past sub-lists: in `1.0-alpha` the 0 before the
 * `[alpha]` list goes too, so 1.0-alpha = 1-alpha.
 */
function normalize(list: ListItem): void {
  for (let i = list.items.length - 1; i >= 0; i--) {
    const item = list.items[i];
    if (isNull(item)) list.items.splice(i, 1);
    else if (item.kind !== 'list') break;
  }
}

/** A string that sorts qualifiers in Maven's order: the known ones by weight, then the rest by name. */
function qualifierKey(qualifier: string): string {
  if (RELEASE_QUALIFIERS.has(qualifier)) return RELEASE_WEIGHT;
  const index = QUALIFIERS.indexOf(qualifier);
  return index === -1 ? `${QUALIFIERS.length}-${qualifier}` : String(index);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareBigInts(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `other` null stands for a missing item, when one version has more items than the other. */
function compareItems(item: Item, other: Item | null): number {
  switch (item.kind) {
    case 'int':
      if (other === null) return item.value === 0n ? 0 : 1;
      // A number outweighs any qualifier or sub-list at the same place: 1.1 > 1-sp, 1.1 > 1-1.
      return other.kind === 'int' ? compareBigInts(item.value, other.value) : 1;
    case 'string':
      if (other === null) return compareStrings(qualifierKey(item.value), RELEASE_WEIGHT);
      if (other.kind === 'string') return compareStrings(qualifierKey(item.value), qualifierKey(other.value));
      return -1;
    case 'list':
      return compareList(item, other);
  }
}

function compareList(list: ListItem, other: Item | null): number {
  if (other === null) {
    // The whole list against nothing, not just its first item (MNG-6964): 1-0.alpha < 1.
    for (const item of list.items) {
      const result = compareItems(item, null);
      if (result !== 0) return result;
    }
    return 0;
  }
  switch (other.kind) {
    case 'int':
      return -1; // 1-1 < 1.0.1
    case 'string':
      return 1; // 1-1 > 1-sp
    case 'list': {
      const length = Math.max(list.items.length, other.items.length);
      for (let i = 0; i < length; i++) {
        const left = i < list.items.length ? list.items[i] : null;
        const right = i < other.items.length ? other.items[i] : null;
        const result =
          left !== null ? compareItems(left, right) : right !== null ? -compareItems(right, null) : 0;
        if (result !== 0) return result;
      }
      return 0;
    }
  }
}
