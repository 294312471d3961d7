import { FieldError } from '@opsplane/core';
import { FRAMEWORKS, requirement } from '../frameworks/frameworks';
import { ControlDefinition, ControlScope, FrameworkMapping } from './control.entity';
import { compileCheck, ControlSubjectType } from './control-language';

/** Scope fields that mean something for each subject type; the others are refused. */
const SCOPE_FIELDS: Record<ControlSubjectType, (keyof ControlScope)[]> = {
  environment: ['tiers', 'slugs', 'protected'],
  service: ['criticalities', 'slugs'],
};

/**
 * Everything wrong with a control's definition, each under its field: the CEL check (position and
 * problem), framework requirements that do not exist, scope fields that do not apply to its subject type.
 */
export function definitionProblems(definition: ControlDefinition): FieldError[] {
  const problems: FieldError[] = [];
  const compiled = compileCheck(definition.subjectType, definition.expression);
  if ('problem' in compiled) {
    const { line, column, message } = compiled.problem;
    problems.push({ path: 'expression', message: `line ${line}, column ${column}: ${message}` });
  }
  definition.frameworks.forEach((mapping, index) => {
    if (!requirement(mapping.framework, mapping.requirement))
      problems.push({
        path: `frameworks.${index}.requirement`,
        message: `${mapping.requirement} is not a requirement of ${FRAMEWORKS[mapping.framework].name}`,
      });
  });
  for (const field of Object.keys(definition.scope) as (keyof ControlScope)[]) {
    const value = definition.scope[field];
    const given = Array.isArray(value) ? value.length > 0 : value != null;
    if (given && !SCOPE_FIELDS[definition.subjectType].includes(field))
      problems.push({
        path: `scope.${field}`,
        message: `does not apply to ${definition.subjectType} controls (they take ${SCOPE_FIELDS[definition.subjectType].join(', ')})`,
      });
  }
  return problems;
}

/** Mappings without repeats, in the order given. */
export function uniqueMappings(mappings: FrameworkMapping[]): FrameworkMapping[] {
  const seen = new Set<string>();
  return mappings.filter(({ framework, requirement: id }) => {
    const key = `${framework}:${id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The scope as stored: every field present (empty lists and null match everything). */
export function normalisedScope(scope: ControlScope | undefined): Required<ControlScope> {
  return {
    tiers: [...new Set(scope?.tiers ?? [])],
    slugs: [...new Set(scope?.slugs ?? [])],
    protected: scope?.protected ?? null,
    criticalities: [...new Set(scope?.criticalities ?? [])],
  };
}

/** Whether a control's scope takes the subject (an environment or a service of its type). */
export function inScope(
  control: { subjectType: ControlSubjectType; scope: ControlScope },
  subject: { slug: string; tier?: string; isProtected?: boolean; criticality?: string },
): boolean {
  const scope = normalisedScope(control.scope);
  if (scope.slugs.length > 0 && !scope.slugs.includes(subject.slug)) return false;
  if (control.subjectType === 'environment') {
    if (scope.tiers.length > 0 && !scope.tiers.includes(subject.tier as never)) return false;
    if (scope.protected !== null && scope.protected !== subject.isProtected) return false;
    return true;
  }
  return scope.criticalities.length === 0 || scope.criticalities.includes(subject.criticality as never);
}
