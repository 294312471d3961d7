// Two import rules of our own, used by eslint.config.mjs (docs/architecture.md, "Where a rule
// lives"); a plugin dependency for them would be larger than the rules.
import { isBuiltin } from 'node:module';

/** `@scope/name/deep` -> `@scope/name`; `name/deep` -> `name`. */
const packageOf = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

const isPackage = (specifier) =>
  !specifier.startsWith('.') && !specifier.startsWith('/') && !isBuiltin(specifier);

/**
 * Calls `check(node, packageName)` for every package a file loads by a literal name: static and
 * type imports, re-exports, `import()`, `require()`, `require.resolve()`, `typeof import()`.
 */
function eachPackage(check) {
  const visit = (node, source) => {
    if (source?.type === 'Literal' && typeof source.value === 'string' && isPackage(source.value))
      check(node, packageOf(source.value));
  };
  const isRequire = (callee) =>
    (callee.type === 'Identifier' && callee.name === 'require') ||
    (callee.type === 'MemberExpression' &&
      callee.object.type === 'Identifier' &&
      callee.object.name === 'require' &&
      callee.property.type === 'Identifier' &&
      callee.property.name === 'resolve');
  return {
    ImportDeclaration: (node) => visit(node, node.source),
    ExportNamedDeclaration: (node) => visit(node, node.source),
    ExportAllDeclaration: (node) => visit(node, node.source),
    ImportExpression: (node) => visit(node, node.source),
    TSImportType: (node) => visit(node, node.source),
    TSExternalModuleReference: (node) => visit(node, node.expression),
    CallExpression: (node) => {
      if (isRequire(node.callee)) visit(node, node.arguments[0]);
    },
  };
}

/**
 * Every package a file loads is declared in package.json: a package that is only there because
 * another one depends on it can vanish or change major version on any install.
 * Options: `{ packages: string[], where: string }` (`where` names the list, for the message).
 */
const declaredDependency = {
  meta: { type: 'problem', schema: [{ type: 'object' }] },
  create(context) {
    const { packages, where } = context.options[0];
    const declared = new Set(packages);
    return eachPackage((node, name) => {
      if (!declared.has(name))
        context.report({
          node,
          message: `'${name}' is not declared in ${where}; add it there (npm install).`,
        });
    });
  },
};

/**
 * Some packages may be loaded by one module only. Options: `{ [package]: message }`.
 */
const restrictedPackage = {
  meta: { type: 'problem', schema: [{ type: 'object' }] },
  create(context) {
    const restricted = context.options[0];
    return eachPackage((node, name) => {
      if (Object.hasOwn(restricted, name)) context.report({ node, message: restricted[name] });
    });
  },
};

export default {
  rules: { 'declared-dependency': declaredDependency, 'restricted-package': restrictedPackage },
};
