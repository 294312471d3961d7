import { dependencyOf } from './dependency-graph';

const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

describe('dependencyOf', () => {
  it('marks what a root depends on direct and what is reachable only through others transitive', () => {
    const relation = dependencyOf(['app'], graph({ app: ['a', 'b'], a: ['c'], c: ['d'], x: ['y'] }));
    expect(Object.fromEntries(relation)).toEqual({
      a: 'direct',
      b: 'direct',
      c: 'transitive',
      d: 'transitive',
    });
    // Unreachable nodes are not in the answer: their relation is unknown.
    expect(relation.has('x')).toBe(false);
    expect(relation.has('y')).toBe(false);
  });

  it('keeps a node direct when it is also reachable through another dependency', () => {
    expect(dependencyOf(['app'], graph({ app: ['a', 'b'], a: ['b'] })).get('b')).toBe('direct');
    // Found through a first, listed by the root second: still direct.
    expect(dependencyOf(['app'], graph({ a: ['b'], app: ['a', 'b'] })).get('b')).toBe('direct');
  });

  it('ends on cycles, also through the root, which is never its own dependency', () => {
    const relation = dependencyOf(['app'], graph({ app: ['a'], a: ['b'], b: ['a', 'app'] }));
    expect(Object.fromEntries(relation)).toEqual({ a: 'direct', b: 'transitive' });
  });

  it('takes several roots, and none', () => {
    const edges = graph({ one: ['a'], two: ['b'], b: ['c'] });
    expect(Object.fromEntries(dependencyOf(['one', 'two'], edges))).toEqual({
      a: 'direct',
      b: 'direct',
      c: 'transitive',
    });
    expect(dependencyOf([], edges).size).toBe(0);
  });
});
