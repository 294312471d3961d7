import { isUtf8 } from 'node:buffer';
import { AppError, CommonErrors } from '../errors/app-error';

/** Shape limits every JSON body is checked against before anything parses or walks it. */
export interface JsonLimits {
  /** Deepest nesting of objects and arrays. */
  maxDepth: number;
  /** Most members one object may have. */
  maxKeys: number;
  /** Longest string (a key or a value), in characters as sent (escapes count as written). */
  maxStringLength: number;
}

/** The variable that sets each limit, named in the error so an operator knows what to raise. */
const LIMIT_VARIABLES: Record<keyof JsonLimits, string> = {
  maxDepth: 'HTTP_JSON_MAX_DEPTH',
  maxKeys: 'HTTP_JSON_MAX_KEYS',
  maxStringLength: 'HTTP_JSON_MAX_STRING_LENGTH',
};

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

/**
 * Finds the first limit a JSON text breaks, in one pass and without recursion, so a hostile body
 * is refused before JSON.parse, class-transformer or any other recursive walk sees it (2,000
 * levels of nesting overflow their stacks). It reads the decoded text the parser is given next,
 * skipping each string with indexOf: 40–50 % of the time JSON.parse takes on the same text
 * (a loop over the bytes, or a regex finding the structural characters, measured slower). The
 * text need not be valid JSON: what the scan cannot follow (an unterminated string) is left for
 * the parser to refuse.
 */
export function findJsonLimitBreach(text: string, limits: JsonLimits): keyof JsonLimits | undefined {
  // Members seen so far in each open object, by depth: its first key makes 1, each comma one more.
  // -1 for an open array, whose length only the body size bounds.
  const members = new Int32Array(limits.maxDepth + 2);
  let depth = 0;
  const end = text.length;
  for (let i = 0; i < end; i++) {
    const char = text.charCodeAt(i);
    if (char === QUOTE) {
      let close = text.indexOf('"', i + 1);
      while (close !== -1 && isEscaped(text, close)) close = text.indexOf('"', close + 1);
      if (close === -1) return undefined;
      if (close - i - 1 > limits.maxStringLength) return 'maxStringLength';
      if (depth > 0 && members[depth] === 0) members[depth] = 1;
      i = close;
    } else if (char === OPEN_OBJECT || char === OPEN_ARRAY) {
      depth++;
      if (depth > limits.maxDepth) return 'maxDepth';
      members[depth] = char === OPEN_OBJECT ? 0 : -1;
    } else if (char === CLOSE_OBJECT || char === CLOSE_ARRAY) {
      if (depth > 0) depth--;
    } else if (char === COMMA && depth > 0 && members[depth] >= 0) {
      if (++members[depth] > limits.maxKeys) return 'maxKeys';
    }
  }
  return undefined;
}

/** A quote is escaped when an odd number of backslashes stands right before it. */
function isEscaped(text: string, quote: number): boolean {
  let backslashes = 0;
  for (let i = quote - 1; i >= 0 && text.charCodeAt(i) === BACKSLASH; i--) backslashes++;
  return backslashes % 2 === 1;
}

export function jsonLimitError(limit: keyof JsonLimits, limits: JsonLimits): AppError {
  const what = {
    maxDepth: `objects and arrays nested more than ${limits.maxDepth} levels deep`,
    maxKeys: `an object with more than ${limits.maxKeys} members`,
    maxStringLength: `a string longer than ${limits.maxStringLength} characters`,
  }[limit];
  return new AppError(
    CommonErrors.jsonLimitExceeded,
    `The request body has ${what}, over this server's limit (${LIMIT_VARIABLES[limit]}).`,
    { errors: [{ path: 'body', message: `exceeds ${LIMIT_VARIABLES[limit]}` }] },
  );
}

/**
 * Bytes that are not UTF-8 would be decoded into U+FFFD and stored as something the client never
 * sent; a system of record refuses them instead.
 */
export function assertUtf8(body: Buffer): void {
  if (!isUtf8(body))
    throw new AppError(CommonErrors.invalidEncoding, 'The request body is not valid UTF-8.', {
      errors: [{ path: 'body', message: 'must be UTF-8' }],
    });
}

/** A surrogate code unit without its pair: not Unicode text. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * UTF-8 bytes cannot carry a surrogate, but a JSON escape can (`"\ud800"`), and PostgreSQL refuses
 * such a string in jsonb: every body that reached an audited write or a jsonb column failed there,
 * a 500. Refused here instead. Only a text with a surrogate escape in it is walked (the regex over
 * the text finds none in almost every body), and the walk has no recursion: the limits scan has
 * bounded the depth, not the stack a recursive walk would need.
 */
export function assertNoLoneSurrogate(text: string, parsed: unknown): void {
  if (!/\\u[dD][89a-fA-F]/.test(text)) return;
  const pending: unknown[] = [parsed];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) throw loneSurrogateError();
    } else if (Array.isArray(value)) {
      for (const element of value) pending.push(element);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, member] of Object.entries(value)) {
        if (LONE_SURROGATE.test(key)) throw loneSurrogateError();
        pending.push(member);
      }
    }
  }
}

function loneSurrogateError(): AppError {
  return new AppError(
    CommonErrors.invalidEncoding,
    'The request body has a string with an unpaired UTF-16 surrogate escape (such as \\ud800 alone): not Unicode text.',
    { errors: [{ path: 'body', message: 'must be Unicode text: a surrogate escape needs its pair' }] },
  );
}

/** JSON is UTF-8 (RFC 8259 §8.1); a body declared in another charset would be misread. */
export function assertUtf8Charset(contentType: string | undefined): void {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset))
    throw new AppError(
      CommonErrors.unsupportedMediaType,
      `JSON bodies are UTF-8; charset=${charset} is not accepted.`,
      { errors: [{ path: 'header.content-type', message: 'charset must be utf-8' }] },
    );
}
