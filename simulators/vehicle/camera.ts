/**
 * The simulated vehicle's camera: synthetic pictures of the site (a PNG drawn from the position and time,
 * which are also written into tEXt chunks) served over loopback HTTP at the `file_url` the vehicle reports
 * in CAMERA_IMAGE_CAPTURED, as a MAVLink camera with an HTTP download does (mavlink.io Camera Protocol v2).
 */
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { common } from 'node-mavlink';
import { encodePng } from '../../kernel/png.js';

export interface SitePicture {
  index: number;
  lon: number;
  lat: number;
  altM: number;
  /** Epoch ms. */
  at: number;
}

const W = 320;
const H = 240;

/** A 320×240 picture of the site: sky over ground, a red marker where the target is, stripes from the position. */
export function drawSite(p: SitePicture): Buffer {
  const px = new Uint8Array(W * H * 3);
  const seed = Math.abs(Math.round(p.lon * 1e5) ^ Math.round(p.lat * 1e5)) + p.index;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      const ground = y > H / 3;
      const stripe = ((x + y + seed) >> 4) & 1;
      px[i] = ground ? 70 + stripe * 30 : 120 + (y >> 1);
      px[i + 1] = ground ? 90 + stripe * 20 + (seed % 40) : 170 + (y >> 2);
      px[i + 2] = ground ? 60 : 230;
      const dx = x - W / 2;
      const dy = y - (2 * H) / 3;
      if (dx * dx + dy * dy < 100) px.set([220, 30, 30], i);
    }
  }
  return encodePng({ width: W, height: H, pixels: px }, {
    Source: 'citybrain vehicle simulator',
    'GPS Position': `${p.lat.toFixed(7)},${p.lon.toFixed(7)},${p.altM.toFixed(1)}`,
    'Creation Time': new Date(p.at).toISOString(),
    'Image Index': String(p.index),
  });
}

/** uint8_t[n], NUL-padded (CAMERA_INFORMATION vendor_name, model_name). */
const bytes = (s: string, n: number): number[] => [...Buffer.from(s.padEnd(n, '\0').slice(0, n), 'utf8')].slice(0, n);

/**
 * A minimal camera definition file (mavlink.io "Camera Definition File"): no settings, just who it is;
 * a ground station that reads it finds nothing to configure.
 */
const DEFINITION = `<?xml version="1.0" encoding="UTF-8" ?>
<mavlinkcamera>
  <definition version="1">
    <model>citybrain sim camera</model>
    <vendor>citybrain</vendor>
  </definition>
  <parameters></parameters>
</mavlinkcamera>
`;

/**
 * Serves pictures at `http://<host>:<port>/images/<index>.png` and its definition file at `/camera.xml`.
 * `host` is any loopback address (127.0.0.2 stands for a camera on its own address, not the autopilot's).
 */
export class SimCamera {
  private readonly images = new Map<number, Buffer>();
  private next = 1;

  private constructor(private readonly server: Server, readonly host: string) {}

  static async start(host = '127.0.0.1'): Promise<SimCamera> {
    const server = createServer();
    const cam = new SimCamera(server, host);
    server.on('request', (req, res) => {
      if (req.url === '/camera.xml') return void res.writeHead(200, { 'content-type': 'application/xml' }).end(DEFINITION);
      const m = /^\/images\/(\d+)\.png$/.exec(req.url ?? '');
      const img = m ? cam.images.get(Number(m[1])) : undefined;
      if (!img) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': img.length }).end(img);
    });
    server.listen(0, host);
    await once(server, 'listening');
    return cam;
  }

  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  /** Takes one picture; returns its index and URL. */
  capture(where: Omit<SitePicture, 'index'>): { index: number; url: string } {
    const index = this.next++;
    this.images.set(index, drawSite({ ...where, index }));
    return { index, url: `http://${this.host}:${this.port}/images/${index}.png` };
  }

  /**
   * CAMERA_INFORMATION as a still camera with an HTTP download answers MAV_CMD_REQUEST_MESSAGE (259):
   * CAMERA_CAP_FLAGS_CAPTURE_IMAGE (2) only, 320×240, its definition file on its own HTTP server.
   */
  information(timeBootMs: number): common.CameraInformation {
    const m = new common.CameraInformation();
    m.timeBootMs = Math.round(timeBootMs) >>> 0;
    m.vendorName = bytes('citybrain', 32) as unknown as common.CameraInformation['vendorName'];
    m.modelName = bytes('sim camera', 32) as unknown as common.CameraInformation['modelName'];
    m.firmwareVersion = 1 | (2 << 8); // 1.2.0.0: major in the low byte
    m.focalLength = 4.5;
    m.sensorSizeH = 6.17;
    m.sensorSizeV = 4.55;
    m.resolutionH = 320;
    m.resolutionV = 240;
    m.lensId = 0;
    m.flags = 2 as common.CameraInformation['flags'];
    m.camDefinitionVersion = 1;
    m.camDefinitionUri = `http://${this.host}:${this.port}/camera.xml`;
    m.gimbalDeviceId = 0;
    m.cameraDeviceId = 0;
    return m;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}
