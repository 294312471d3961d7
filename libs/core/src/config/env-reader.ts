import { parseSecretKey, SECRET_KEY_FORMAT } from '../crypto/secret-key';

export type Env = Record<string, string | undefined>;

/**
 * How configuration reads one variable: core's areas in `loadConfig` and every lib's section
 * (`defineConfig`) use the same reader. A bad value never throws here: its message is recorded,
 * to be reported with every other bad variable in one `ConfigError`, and the fallback is
 * returned so reading goes on.
 */
export interface EnvReader {
  /** The trimmed value, or undefined when unset or blank. */
  optional(name: string): string | undefined;
  string(name: string, fallback: string): string;
  /** An integer within [min, max] (inclusive). */
  int(name: string, fallback: number, min?: number, max?: number): number;
  /** true/1/yes or false/0/no, case-insensitive. */
  bool(name: string, fallback: boolean): boolean;
  /** 32 bytes in base64; the message never echoes the value (it is a credential). */
  secretKey(name: string): Buffer | undefined;
  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T;
}

/** A reader of `env` that appends each problem it finds to `problems`. */
export function envReader(env: Env, problems: string[]): EnvReader {
  return new Reader(env, problems);
}

class Reader implements EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  optional(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string {
    return this.optional(name) ?? fallback;
  }

  int(name: string, fallback: number, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.optional(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    this.problems.push(`${name} must be true or false, got "${raw}"`);
    return fallback;
  }

  secretKey(name: string): Buffer | undefined {
    const raw = this.optional(name);
    if (raw === undefined) return undefined;
    const key = parseSecretKey(raw);
    if (!key) this.problems.push(`${name} must be ${SECRET_KEY_FORMAT} (got ${raw.length} characters)`);
    return key;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
    return fallback;
  }
}
