/**
 * The simulated vehicle's camera: synthetic pictures of the site (a PNG drawn from the position and time,
 * which are also written into tEXt chunks) served over loopback HTTP at the `file_url` the vehicle reports
 * in CAMERA_IMAGE_CAPTURED, as a MAVLink camera with an HTTP download does (mavlink.io Camera Protocol v2).
 */
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
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

/** Serves pictures at `http://127.0.0.1:<port>/images/<index>.png`. */
export class SimCamera {
  private readonly images = new Map<number, Buffer>();
  private next = 1;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<SimCamera> {
    const server = createServer();
    const cam = new SimCamera(server);
    server.on('request', (req, res) => {
      const m = /^\/images\/(\d+)\.png$/.exec(req.url ?? '');
      const img = m ? cam.images.get(Number(m[1])) : undefined;
      if (!img) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': img.length }).end(img);
    });
    server.listen(0, '127.0.0.1');
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
    return { index, url: `http://127.0.0.1:${this.port}/images/${index}.png` };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}
