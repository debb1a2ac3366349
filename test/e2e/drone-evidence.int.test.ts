/**
 * Drone inspection evidence over real MAVLink: the demo platform with simulated vehicles on loopback UDP,
 * a red gas alert → dispatch → the vehicle arrives over the target (`drone.arrived` on the alert), its
 * camera takes pictures (MAV_CMD_IMAGE_START_CAPTURE in the mission, CAMERA_IMAGE_CAPTURED with file_url)
 * and the platform fetches them into the media store, attached to the alert and the mission. A second
 * vehicle whose camera reports a URL on another host: refused (CAMERA_FETCH_REFUSED), counted, and its
 * mission still completes. The cameras serve their pictures from their own address (127.0.0.2, not the
 * autopilot's 127.0.0.1): the platform trusts that host because the camera named it in CAMERA_INFORMATION,
 * which the controller asks each vehicle for (MAV_CMD_REQUEST_MESSAGE) when its link comes up.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Platform } from '../../app/platform.js';
import type { SimVehicle } from '../../simulators/index.js';
import { api, bootDemoPlatform, connectDevice, provision, TOKEN } from './helpers.js';

let p: Platform;
let vehicles: SimVehicle[] = [];

beforeAll(async () => {
  ({ p, vehicles } = await bootDemoPlatform({}, {}, { cameraHost: '127.0.0.2' }));
}, 30_000);
afterAll(async () => {
  await p?.stop();
});

interface Media { id: string; contentType: string; width: number; height: number; source: string; missionId?: string; alertId?: string; position?: { lon: number; lat: number; altM?: number }; takenAt: string }
interface AlertDetail { audit: { action: string; actor: string; note?: string; detail?: { code: string; notes: Record<string, string> } }[] }

async function redAlertNear(district: string, id: string): Promise<{ alertId: string; vehicle: SimVehicle }> {
  const demo = p.demoDocks.find((d) => d.district === district)!;
  const dock = (await api<{ location: { lon: number; lat: number } }>(p, 'GET', `/api/v1/docks/${demo.dockId}`)).body.location;
  const device = await connectDevice(p, await provision(p, id, 'gas', dock.lon + 0.002, dock.lat));
  await device.publishAsync(`devices/${id}/telemetry`, JSON.stringify({ metrics: { ch4_lel: 60 } }), { qos: 1 });
  await device.endAsync();
  const alertId = await vi.waitFor(async () => {
    const a = (await api<{ items: { id: string }[] }>(p, 'GET', `/api/v1/alerts?deviceId=${id}`)).body.items[0];
    if (!a) throw new Error('no alert yet');
    return a.id;
  }, { timeout: 5_000, interval: 20 });
  return { alertId, vehicle: vehicles[p.demoDocks.indexOf(demo)]! };
}

const missionDone = (missionId: string) => vi.waitFor(async () => {
  const m = (await api<{ status: string }>(p, 'GET', `/api/v1/missions/${missionId}`)).body;
  if (!['completed', 'aborted', 'failed'].includes(m.status)) throw new Error(`mission ${m.status}`);
  return m.status;
}, { timeout: 120_000, interval: 200 });

describe('e2e: drone inspection evidence', () => {
  it('attaches the pictures the drone took over the target to the alert and its mission; refuses a camera URL on another host', async () => {
    const good = await redAlertNear('370202', 'GW-EVID-1');
    const bad = await redAlertNear('370203', 'GW-EVID-2');
    bad.vehicle.faults.cameraUrl = 'http://169.254.169.254/latest/meta-data/iam.png';
    const sent = await api<{ mission: { id: string } }>(p, 'POST', `/api/v1/alerts/${good.alertId}/dispatch`, {});
    const sentBad = await api<{ mission: { id: string } }>(p, 'POST', `/api/v1/alerts/${bad.alertId}/dispatch`, {});
    expect([sent.status, sentBad.status], JSON.stringify([sent.body, sentBad.body])).toEqual([200, 200]);

    expect(await missionDone(sent.body.mission.id)).toBe('completed');
    const media = await vi.waitFor(async () => {
      const items = (await api<{ items: Media[] }>(p, 'GET', `/api/v1/alerts/${good.alertId}/media`)).body.items;
      if (items.length < 3) throw new Error(`${items.length} pictures so far`);
      return items;
    }, { timeout: 20_000, interval: 100 });
    expect(media).toHaveLength(3);
    // The controller read the camera's identification; its pictures came from the camera's own host.
    const link = p.droneOps.vehicles.get(p.demoDocks.find((d) => d.district === '370202')!.droneId)!;
    expect(link.camera).toMatchObject({ vendor: 'citybrain', model: 'sim camera', captureImages: true, resolution: { h: 320, v: 240 }, definitionUri: expect.stringMatching(/^http:\/\/127\.0\.0\.2:\d+\/camera\.xml$/) });
    for (const m of media) {
      expect(m).toMatchObject({ contentType: 'image/png', width: 320, height: 240, source: 'drone', missionId: sent.body.mission.id, alertId: good.alertId });
      expect(m.position!.altM).toBeGreaterThan(40); // taken at the inspection altitude, over the target
      const bytes = await fetch(`${p.http.url}/api/v1/media/${m.id}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const buf = Buffer.from(await bytes.arrayBuffer());
      expect(createHash('sha256').update(buf).digest('hex')).toBe(m.id);
      expect(buf.toString('latin1')).toContain('GPS Position');
    }
    expect(new Set(media.map((m) => m.id)).size).toBe(3);

    const detail = (await api<AlertDetail>(p, 'GET', `/api/v1/alerts/${good.alertId}`)).body;
    const actions = detail.audit.map((e) => e.action);
    expect(actions.filter((a) => a === 'drone.arrived')).toHaveLength(1);
    expect(actions.filter((a) => a === 'media.attached')).toHaveLength(3);
    expect(actions.indexOf('drone.arrived')).toBeLessThan(actions.indexOf('media.attached'));
    // Structured notes: code, and the text in both languages (the console renders the code in its own).
    const arrivedEntry = detail.audit.find((e) => e.action === 'drone.arrived')!;
    expect(arrivedEntry.detail).toMatchObject({ code: 'droneOverTarget', notes: { 'zh-CN': expect.stringMatching(/^无人机 .* 已到达目标上空/) } });
    expect(arrivedEntry.note).toBe(arrivedEntry.detail!.notes.en);
    expect(detail.audit.filter((e) => e.action === 'media.attached').map((e) => e.detail?.notes['zh-CN'])).toEqual(Array(3).fill(expect.stringMatching(/^无人机照片 .*，来自飞行任务 .*，拍摄于 .*\+08:00$/)));

    expect(await missionDone(sentBad.body.mission.id)).toBe('completed');
    await vi.waitFor(async () => {
      const text = await (await fetch(`${p.http.url}/metrics`)).text();
      expect(text).toMatch(/citybrain_drone_images_total\{outcome="refused",code="CAMERA_FETCH_REFUSED"\} 3/);
    }, { timeout: 10_000, interval: 100 });
    expect((await api<{ items: Media[] }>(p, 'GET', `/api/v1/alerts/${bad.alertId}/media`)).body.items).toEqual([]);
    const badActions = (await api<AlertDetail>(p, 'GET', `/api/v1/alerts/${bad.alertId}`)).body.audit.map((e) => e.action);
    expect(badActions).toContain('drone.arrived');
  }, 180_000);
});
