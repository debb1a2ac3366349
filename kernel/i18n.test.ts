import { describe, expect, it } from 'vitest';
import { defineCatalog, inLang, localize, negotiateLang, translate } from './i18n.js';

describe('Accept-Language negotiation (RFC 9110 §12.5.4)', () => {
  it('takes the highest weight we have, ties in header order, q=0 refuses, else the fallback', () => {
    expect(negotiateLang(undefined, 'en')).toBe('en');
    expect(negotiateLang('', 'zh-CN')).toBe('zh-CN');
    expect(negotiateLang('zh-CN,zh;q=0.9,en;q=0.8', 'en')).toBe('zh-CN');
    expect(negotiateLang('en-GB,en;q=0.9,zh;q=0.8', 'zh-CN')).toBe('en');
    expect(negotiateLang('fr-FR, zh-Hans;q=0.5, en;q=0.4', 'en')).toBe('zh-CN');
    expect(negotiateLang('zh-TW;q=0.2, en;q=0.9', 'zh-CN')).toBe('en');
    expect(negotiateLang('en;q=0, zh;q=0.1', 'en')).toBe('zh-CN');
    expect(negotiateLang('de, fr', 'zh-CN')).toBe('zh-CN');
    expect(negotiateLang('*', 'zh-CN')).toBe('zh-CN');
    expect(negotiateLang('en;q=abc', 'zh-CN')).toBe('zh-CN');
  });
});

describe('catalog', () => {
  const c = defineCatalog({ en: { hi: 'Hello {who}, {n} new', sev: 'red' }, 'zh-CN': { hi: '{who}，您好，新增 {n} 条', sev: '红色' } });

  it('fills placeholders per language, localised parameters in their own language', () => {
    const sev = localize(c, 'sev');
    expect(translate(c, 'en', 'hi', { who: sev, n: 2 })).toBe('Hello red, 2 new');
    expect(localize(c, 'hi', { who: sev, n: 2 })).toEqual({ en: 'Hello red, 2 new', 'zh-CN': '红色，您好，新增 2 条' });
    expect(translate(c, 'en', 'hi', { n: 1 })).toBe('Hello {who}, 1 new');
  });

  it('refuses a catalog whose languages name different placeholders', () => {
    expect(() => defineCatalog({ en: { a: '{x} {y}' }, 'zh-CN': { a: '{x}' } })).toThrow(/catalog key a: zh-CN/);
  });

  it('shows a record in one language: message from messages, untouched without them', () => {
    const rec = { id: 'a', message: 'gas high', messages: { en: 'gas high', 'zh-CN': '燃气浓度高' } };
    expect(inLang(rec, 'zh-CN')).toEqual({ ...rec, message: '燃气浓度高' });
    expect(inLang(rec, 'en')).toBe(rec);
    expect(inLang({ id: 'b', message: 'free text' }, 'zh-CN')).toEqual({ id: 'b', message: 'free text' });
  });
});
