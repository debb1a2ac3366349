/** Both catalogs are complete and consistent: the same keys, no empty string, the same placeholders. */
import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { zhCN } from './zh-CN.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('console message catalogs', () => {
  it('have the same keys in zh-CN and en', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
  });

  it('have no empty message', () => {
    for (const [k, v] of [...Object.entries(en), ...Object.entries(zhCN)]) expect(v.trim(), k).not.toBe('');
  });

  it('use the same placeholders in both languages', () => {
    for (const k of Object.keys(en) as (keyof typeof en)[]) expect(placeholders(zhCN[k]), k).toEqual(placeholders(en[k]));
  });

  it('translates what a person reads (only ids, units and symbols may stay the same)', () => {
    const same = (Object.keys(en) as (keyof typeof en)[]).filter((k) => en[k] === zhCN[k]);
    expect(same.sort()).toEqual(['alert.by', 'common.none']);
  });
});
