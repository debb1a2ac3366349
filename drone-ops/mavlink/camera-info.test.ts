/**
 * Camera identification over loopback UDP (mavlink.io Camera Protocol v2): when the link comes up the
 * controller sends MAV_CMD_REQUEST_MESSAGE for CAMERA_INFORMATION (259) and keeps what the simulated
 * vehicle's camera answers; a vehicle that refuses the request has no camera (null).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cameraHostOf } from './camera.js';
import { FAST, startRig, type Rig } from './testing.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('CAMERA_INFORMATION over loopback UDP', () => {
  it('asks for the camera when the link comes up and reads who it is, what it can do and where its files are', async () => {
    rig = await startRig({ ...FAST, cameraHost: '127.0.0.2' });
    await rig.link.cameraRequested();
    const cam = rig.link.camera;
    expect(cam).toMatchObject({ vendor: 'citybrain', model: 'sim camera', firmware: '1.2.0.0', flags: 2, captureImages: true, captureVideo: false, resolution: { h: 320, v: 240 }, definitionVersion: 1 });
    expect(cam!.definitionUri).toMatch(/^http:\/\/127\.0\.0\.2:\d+\/camera\.xml$/);
    expect(cameraHostOf(cam)).toBe('127.0.0.2');
    // The definition file is where the camera says it is.
    const xml = await (await fetch(cam!.definitionUri)).text();
    expect(xml).toContain('<mavlinkcamera>');
    expect(rig.vehicle.counters.commands).toBeGreaterThan(0);
  });

  it('a vehicle that refuses the request (MAV_RESULT_UNSUPPORTED) has no camera', async () => {
    rig = await startRig({ ...FAST, faults: { commandNack: { 512: 3 } } });
    await rig.link.cameraRequested();
    expect(rig.link.camera).toBeNull();
    expect(cameraHostOf(rig.link.camera)).toBeUndefined();
  });
});
