import owaspHeadersRemove from './owasp-headers-remove.json';

export type HeaderCheckId =
  'hsts' | 'csp' | 'content_type_options' | 'framing' | 'referrer_policy' | 'leaking_header';

export interface HeaderCheck {
  id: HeaderCheckId;
  status: 'pass' | 'fail';
  /** The header the verdict rests on, lower-cased; `''` for the passing leak check, which looked at them all. */
  header: string;
  /** For people: what was found and why it matters. */
  message: string;
  /** The header's value as received, or null when it is absent. */
  value: string | null;
}

/** 180 days, the least Strict-Transport-Security max-age counted as protecting returning visitors. */
export const HSTS_MIN_MAX_AGE_SECONDS = 15_552_000;

/**
 * Headers that name the software, its version or the infrastructure behind a site: the OWASP Secure
 * Headers Project's list of headers to remove (`owasp-headers-remove.json`, see SOURCES.md), lower-cased.
 */
const LEAKING_HEADERS: readonly string[] = owaspHeadersRemove.headers.map((name) => name.toLowerCase());

/**
 * The security headers of one HTTPS response: one check each for HSTS, CSP,
 * X-Content-Type-Options, framing and Referrer-Policy, then one failing check per header that
 * leaks software or versions (or a single passing one when none does). Values are read as browsers
 * read them, per the specification named at each check. Header names are compared lower-cased
 * (Node's http gives them so; others are lower-cased here); a repeated header is expected joined
 * with ", ", as Node joins them.
 */
export function assessHeaders(headers: Record<string, string>): HeaderCheck[] {
  const received = new Map(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value.trim()]),
  );
  const valueOf = (name: string): string | null => {
    const value = received.get(name);
    return value === undefined || value === '' ? null : value;
  };
  return [
    checkHsts(valueOf('strict-transport-security')),
    checkCsp(valueOf('content-security-policy'), valueOf('content-security-policy-report-only')),
    checkContentTypeOptions(valueOf('x-content-type-options')),
    checkFraming(valueOf('content-security-policy'), valueOf('x-frame-options')),
    checkReferrerPolicy(valueOf('referrer-policy')),
    ...checkLeakingHeaders(valueOf),
  ];
}

/** RFC 6797 §6.1: `;`-separated directives, each at most once; max-age required, in seconds. */
function checkHsts(value: string | null): HeaderCheck {
  const check = (status: HeaderCheck['status'], message: string): HeaderCheck => ({
    id: 'hsts',
    status,
    header: 'strict-transport-security',
    message,
    value,
  });
  if (value === null)
    return check('fail', 'Strict-Transport-Security is not set: a visitor can be downgraded to plain http.');
  const maxAge = hstsMaxAge(value);
  if (typeof maxAge === 'string') return check('fail', `Strict-Transport-Security is invalid: ${maxAge}.`);
  const days = Math.floor(maxAge / 86_400);
  const inDays = `${days} ${days === 1 ? 'day' : 'days'}`;
  if (maxAge < HSTS_MIN_MAX_AGE_SECONDS) {
    return check(
      'fail',
      `Strict-Transport-Security max-age is ${maxAge} s (${inDays}), below the 180 days that protect returning visitors.`,
    );
  }
  return check('pass', `Strict-Transport-Security max-age is ${maxAge} s (${inDays}).`);
}

/** The max-age in seconds, or what makes the header invalid. */
function hstsMaxAge(value: string): number | string {
  const seen = new Set<string>();
  let maxAge: number | undefined;
  for (const part of value.split(';')) {
    const directive = part.trim();
    if (directive === '') continue;
    const equals = directive.indexOf('=');
    const name = (equals === -1 ? directive : directive.slice(0, equals)).trim().toLowerCase();
    const argument = equals === -1 ? null : unquote(directive.slice(equals + 1).trim());
    if (seen.has(name)) return `the ${name} directive appears more than once`;
    seen.add(name);
    // Other directives (includeSubDomains, preload, unknown ones) do not decide the verdict.
    if (name !== 'max-age') continue;
    if (argument === null || !/^\d+$/.test(argument))
      return `max-age "${argument ?? ''}" is not a number of seconds`;
    maxAge = Number(argument);
  }
  return maxAge ?? 'it has no max-age directive';
}

/** A directive value may be a quoted-string (RFC 6797 §6.1, `max-age="31536000"`). */
function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}

function checkCsp(value: string | null, reportOnly: string | null): HeaderCheck {
  const check = (status: HeaderCheck['status'], message: string): HeaderCheck => ({
    id: 'csp',
    status,
    header: 'content-security-policy',
    message,
    value,
  });
  if (value !== null && cspPolicies(value).some((policy) => policy.size > 0))
    return check('pass', 'Content-Security-Policy is set.');
  if (value !== null) return check('fail', 'Content-Security-Policy is set but holds no directive.');
  return check(
    'fail',
    reportOnly === null
      ? 'Content-Security-Policy is not set: nothing limits where scripts and other content may come from.'
      : 'Content-Security-Policy is not set; Content-Security-Policy-Report-Only only reports, it enforces nothing.',
  );
}

/**
 * The policies of a Content-Security-Policy value (CSP 3 §2.2): comma-separated policies, each
 * enforced; in each, `;`-separated directives, a name and its space-separated sources. A repeated
 * directive is ignored after its first occurrence, as browsers do.
 */
function cspPolicies(value: string): Map<string, string[]>[] {
  return value.split(',').map((serialised) => {
    const directives = new Map<string, string[]>();
    for (const part of serialised.split(';')) {
      const [name, ...sources] = part.trim().split(/\s+/);
      if (name === '' || directives.has(name.toLowerCase())) continue;
      directives.set(name.toLowerCase(), sources);
    }
    return directives;
  });
}

/** Fetch §"determine nosniff": the first of the comma-separated values must be `nosniff`. */
function checkContentTypeOptions(value: string | null): HeaderCheck {
  const nosniff = value !== null && value.split(',')[0].trim().toLowerCase() === 'nosniff';
  return {
    id: 'content_type_options',
    status: nosniff ? 'pass' : 'fail',
    header: 'x-content-type-options',
    message: nosniff
      ? 'X-Content-Type-Options is nosniff.'
      : value === null
        ? 'X-Content-Type-Options is not set: browsers may guess content types and run an upload as script.'
        : 'X-Content-Type-Options is not nosniff, the only value browsers act on.',
    value,
  };
}

/** Sources that let any site frame the page: `*`, or a scheme alone. */
const ANY_FRAME_ANCESTOR = new Set(['*', 'https:', 'http:']);

/**
 * Framing is forbidden by CSP `frame-ancestors`, which browsers obey over X-Frame-Options when both
 * are set (CSP 3 §6.4.2), or else by X-Frame-Options DENY or SAMEORIGIN. X-Frame-Options is read as
 * HTML does: comma-separated values that must all agree; ALLOW-FROM is obsolete and ignored.
 */
function checkFraming(csp: string | null, xFrameOptions: string | null): HeaderCheck {
  const frameAncestors = (csp === null ? [] : cspPolicies(csp)).flatMap((policy) => {
    const sources = policy.get('frame-ancestors');
    return sources === undefined ? [] : [sources];
  });
  if (frameAncestors.length > 0) {
    // A frame must be allowed by every policy, so one restricting policy is enough. An empty
    // source list allows no one, like 'none'.
    const restricting = frameAncestors.find(
      (sources) => !sources.some((source) => ANY_FRAME_ANCESTOR.has(source.toLowerCase())),
    );
    return {
      id: 'framing',
      status: restricting ? 'pass' : 'fail',
      header: 'content-security-policy',
      message: restricting
        ? `Content-Security-Policy frame-ancestors limits who may frame the page (${restricting.join(' ') || "'none'"}).`
        : `Content-Security-Policy frame-ancestors lets any site frame the page (${frameAncestors[0].join(' ')}).`,
      value: csp,
    };
  }
  const values = new Set((xFrameOptions ?? '').split(',').map((part) => part.trim().toLowerCase()));
  const [only] = values;
  const forbidden = values.size === 1 && (only === 'deny' || only === 'sameorigin');
  return {
    id: 'framing',
    status: forbidden ? 'pass' : 'fail',
    header: 'x-frame-options',
    message: forbidden
      ? `X-Frame-Options is ${only.toUpperCase()}.`
      : xFrameOptions === null
        ? 'Neither CSP frame-ancestors nor X-Frame-Options forbids framing: the page can be clickjacked.'
        : 'X-Frame-Options is neither DENY nor SAMEORIGIN, and no CSP frame-ancestors is set: the page can be clickjacked.',
    value: xFrameOptions,
  };
}

/** The policies of the W3C Referrer Policy specification (§3), `""` (the default) aside. */
const REFERRER_POLICIES = new Set([
  'no-referrer',
  'no-referrer-when-downgrade',
  'same-origin',
  'origin',
  'strict-origin',
  'origin-when-cross-origin',
  'strict-origin-when-cross-origin',
  'unsafe-url',
]);

/**
 * Referrer Policy §8.1: of the comma-separated tokens, the last one that is a policy applies;
 * unknown ones are skipped, so that a site can list a newer policy after a fallback. Only
 * `unsafe-url` fails among valid policies: it sends the full URL, path and query, to every site,
 * even over plain http.
 */
function checkReferrerPolicy(value: string | null): HeaderCheck {
  const check = (status: HeaderCheck['status'], message: string): HeaderCheck => ({
    id: 'referrer_policy',
    status,
    header: 'referrer-policy',
    message,
    value,
  });
  if (value === null)
    return check(
      'fail',
      'Referrer-Policy is not set: what a page sends as referrer is left to each browser.',
    );
  const policy = value
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter((token) => REFERRER_POLICIES.has(token))
    .at(-1);
  if (policy === undefined)
    return check('fail', 'Referrer-Policy holds no valid policy, so browsers ignore it.');
  if (policy === 'unsafe-url')
    return check(
      'fail',
      'Referrer-Policy is unsafe-url: full URLs, query included, go to every site linked.',
    );
  return check('pass', `Referrer-Policy is ${policy}.`);
}

function checkLeakingHeaders(valueOf: (name: string) => string | null): HeaderCheck[] {
  const leaks: HeaderCheck[] = [];
  for (const header of LEAKING_HEADERS) {
    const value = valueOf(header);
    if (value === null) continue;
    // Most servers send Server with a product name only ("nginx", "cloudflare"): public knowledge
    // that gives an attacker little. With a version ("nginx/1.18.0") it points at known
    // vulnerabilities, and a version has a digit.
    if (header === 'server' && !/\d/.test(value)) continue;
    leaks.push({
      id: 'leaking_header',
      status: 'fail',
      header,
      message: `${header}: "${value}" tells anyone what runs behind the site.`,
      value,
    });
  }
  if (leaks.length > 0) return leaks;
  return [
    {
      id: 'leaking_header',
      status: 'pass',
      header: '',
      message: 'No header of the OWASP Secure Headers remove list gives away software or versions.',
      value: null,
    },
  ];
}
