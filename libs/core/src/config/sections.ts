import { EnvReader } from './env-reader';

/**
 * A lib's own configuration class: its type, and the token its services inject it by
 * (`constructor(private readonly config: IncidentsConfig)`). Nothing constructs it; its value is
 * the plain object the section's reader returns.
 */
export type ConfigClass<T extends object = object> = abstract new (...args: never[]) => T;

interface ConfigSection<T extends object = object> {
  type: ConfigClass<T>;
  read: (read: EnvReader) => T;
}

/**
 * Every section defined so far, in the order their files were loaded. A lib's config file calls
 * `defineConfig` when it is first imported, and its index exports the class, so importing a lib
 * (as apps/api and apps/worker do, before they call `loadConfig`) registers its section.
 *
 * A registry rather than a list each caller passes to `loadConfig`: importing a lib is already
 * what puts its services in a process, so the same import brings their config, and the apps,
 * tests, scripts and benches keep calling `loadConfig(env)` without naming any lib. The one way
 * to get it wrong, loading the config before importing a lib, fails at start naming the class
 * (`ConfigSections.get`, which ConfigModule calls for every defined section).
 */
const sections: ConfigSection[] = [];

/**
 * Declares a lib's config section, in the lib's own `<lib>.config.ts`:
 *
 *   export class IncidentsConfig { signatureToleranceSeconds: number }
 *   defineConfig(IncidentsConfig, (read) => ({
 *     signatureToleranceSeconds: read.int('INCIDENTS_SIGNATURE_TOLERANCE_SECONDS', 300, 1, 86_400),
 *   }));
 *
 * `loadConfig` reads it with the same reader as core's areas, so its bad variables are reported
 * in the same `ConfigError` at start-up, and core's `ConfigModule` provides the value by its class.
 */
export function defineConfig<T extends object>(
  type: ConfigClass<T>,
  read: (read: EnvReader) => NoInfer<T>,
): void {
  if (sections.some((section) => section.type === type))
    throw new Error(`defineConfig: ${type.name} is already defined`);
  sections.push({ type, read });
}

/** Reads every section defined so far with `read` (loadConfig's reader). */
export function readSections(read: EnvReader): ConfigSections {
  return new ConfigSections(new Map(sections.map((section) => [section.type, section.read(read)])));
}

/** The section classes defined so far (ConfigModule provides each). */
export function definedSections(): ConfigClass[] {
  return sections.map((section) => section.type);
}

/** The values `loadConfig` read for the libs' sections, by class. */
export class ConfigSections {
  constructor(private readonly values: ReadonlyMap<ConfigClass, object>) {}

  get<T extends object>(type: ConfigClass<T>): T {
    const value = this.values.get(type);
    if (value === undefined)
      throw new Error(
        `${type.name} was not read by loadConfig: import its lib before calling loadConfig, so its section is defined`,
      );
    return value as T;
  }
}
