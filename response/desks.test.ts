import { describe, expect, it } from 'vitest';
import { deskNotice, deskSmsText, desksToNotify } from './desks.js';
import { task, unit } from './testing.js';

const desk = (id: string, org: string | null, district: string | null, name = `Desk ${id}`) => unit(id, { kind: 'desk', type: null, org, district, name });

describe('duty desks a plan notifies', () => {
  const desks = [
    desk('city-cc', 'City Emergency  Command Centre', '370202'),
    desk('gas-auth', 'city gas authority', '370203'),
    desk('shinan-cc', 'district command centre', '370202'),
    desk('licang-cc', 'district command centre', '370213'),
    desk('named', null, '370202', 'District command centre'),
    unit('u1', { org: 'district command centre' }),
  ];

  it('reaches city desks anywhere and district desks only in the districts in charge, matching org (or name) loosely', () => {
    const got = desksToNotify({ city: ['city emergency command centre', 'city gas authority'], district: ['district command centre'] }, ['370202'], desks);
    expect(got.map((d) => [d.desk.id, d.level])).toEqual([['city-cc', 'city'], ['gas-auth', 'city'], ['shinan-cc', 'district'], ['named', 'district']]);
    expect(desksToNotify({ city: [], district: ['district command centre'] }, ['370202', '370213'], desks).map((d) => d.desk.id)).toEqual(['shinan-cc', 'licang-cc', 'named']);
    expect(desksToNotify({ city: [], district: [] }, ['370202'], desks)).toEqual([]);
  });

  it('tells a desk the alert, the plan, the districts and the units sent, in JSON and one SMS line', () => {
    const a = { id: 'a1', ruleId: 'r', kind: 'gas', severity: 'orange', level: 'II', message: 'CH4 27 %LEL', status: 'open', active: true, location: { lon: 120.38, lat: 36.07 }, district: '370202', impactDistricts: [], openedAt: 0 };
    const n = deskNotice(a, null, 'district', ['370202'], [task('t1', { unitName: 'Crew 1' }), task('t2', { unitName: 'Fire 2' })], Date.UTC(2026, 11, 3));
    expect(n).toMatchObject({ event: 'response.dispatched', level: 'district', districts: ['370202'], alert: { id: 'a1', level: 'II' }, tasks: [{ id: 't1', unitName: 'Crew 1', acceptBy: expect.stringMatching(/Z$/) }, { id: 't2' }] });
    expect(deskSmsText(n)).toBe('[citybrain] Response level II (gas): CH4 27 %LEL at geo:36.07,120.38. 2 units dispatched: Crew 1, Fire 2');
  });
});
