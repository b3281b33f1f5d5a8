import { supplyLevel } from './rewards.repository';

describe('supplyLevel', () => {
  it('is low below 10% of the budget, out when the budget is spent', () => {
    expect(supplyLevel({ budget: 20, budgetLeft: 2, poolLeft: null, poolSize: null })).toBe('ok');
    expect(supplyLevel({ budget: 20, budgetLeft: 1, poolLeft: null, poolSize: null })).toBe('low');
    expect(supplyLevel({ budget: 20, budgetLeft: 0, poolLeft: null, poolSize: null })).toBe('out');
  });

  it('is low below 10% of the pool, out when the pool is empty, whatever the budget', () => {
    expect(supplyLevel({ budget: 1000, budgetLeft: 990, poolLeft: 10, poolSize: 100 })).toBe('ok');
    expect(supplyLevel({ budget: 1000, budgetLeft: 990, poolLeft: 9, poolSize: 100 })).toBe('low');
    expect(supplyLevel({ budget: 1000, budgetLeft: 990, poolLeft: 0, poolSize: 100 })).toBe('out');
  });
});
