import { DeploymentGate, DeploymentGateContext, DeploymentGates } from './deployment-gate';

const context = { phase: 'request', now: new Date('2026-01-31T12:00:00Z') } as DeploymentGateContext;

const gate = (name: string, decide: () => Promise<{ passed: boolean; reason: string }>): DeploymentGate => ({
  name,
  evaluate: decide,
});

describe('DeploymentGates', () => {
  it('runs every gate and reports each result, not just the first failure', async () => {
    const gates = new DeploymentGates();
    gates.register(gate('first', () => Promise.resolve({ passed: false, reason: 'first says no' })));
    gates.register(gate('second', () => Promise.resolve({ passed: true, reason: 'fine' })));
    gates.register(gate('third', () => Promise.resolve({ passed: false, reason: 'third says no' })));
    expect(await gates.evaluate(context)).toEqual([
      { gate: 'first', passed: false, reason: 'first says no' },
      { gate: 'second', passed: true, reason: 'fine' },
      { gate: 'third', passed: false, reason: 'third says no' },
    ]);
  });

  it('counts a gate that throws as failed, so a check that cannot be made lets nothing through', async () => {
    const gates = new DeploymentGates();
    jest.spyOn(gates['logger'], 'error').mockImplementation(() => undefined);
    gates.register(gate('broken', () => Promise.reject(new Error('database gone'))));
    const [result] = await gates.evaluate(context);
    expect(result).toMatchObject({ gate: 'broken', passed: false });
  });

  it('refuses a second gate of the same name and removes a gate through the function register returns', async () => {
    const gates = new DeploymentGates();
    const remove = gates.register(gate('once', () => Promise.resolve({ passed: true, reason: '' })));
    expect(() => gates.register(gate('once', () => Promise.resolve({ passed: true, reason: '' })))).toThrow(
      /already registered/,
    );
    remove();
    expect(gates.names()).toEqual([]);
    expect(await gates.evaluate(context)).toEqual([]);
  });

  it('passes the context to each gate as given', async () => {
    const gates = new DeploymentGates();
    const evaluate = jest.fn().mockResolvedValue({ passed: true, reason: 'ok' });
    gates.register({ name: 'spy', evaluate });
    await gates.evaluate(context);
    expect(evaluate).toHaveBeenCalledWith(context);
  });
});
