import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { isAppError } from '../kernel/errors.js';
import { cameraUrlAllowed, fetchImage } from './drone-evidence.js';

const codeOf = (e: unknown) => (isAppError(e) ? e.code : String(e));
const refused = (url: string, link = '10.0.0.7', extra: string[] = []) => {
  try {
    cameraUrlAllowed(url, link, extra);
    return 'allowed';
  } catch (e) {
    return codeOf(e);
  }
};

describe('camera image URLs (no SSRF)', () => {
  it('allows http(s) to the vehicle\'s own link host or a configured camera host only', () => {
    expect(refused('http://10.0.0.7:8080/DCIM/1.jpg')).toBe('allowed');
    expect(refused('https://cam-3.dock.local/1.jpg', '10.0.0.7', ['cam-3.dock.local'])).toBe('allowed');
    expect(refused('http://169.254.169.254/latest/meta-data/')).toBe('CAMERA_FETCH_REFUSED');
    expect(refused('http://127.0.0.1:6379/')).toBe('CAMERA_FETCH_REFUSED');
    expect(refused('file:///etc/passwd')).toBe('CAMERA_FETCH_REFUSED');
    expect(refused('ftp://10.0.0.7/1.jpg')).toBe('CAMERA_FETCH_REFUSED');
    expect(refused('http://user:pw@10.0.0.7/1.jpg')).toBe('CAMERA_FETCH_REFUSED');
    expect(refused('http://10.0.0.7.evil.example/1.jpg')).toBe('CAMERA_FETCH_REFUSED');
    expect(refused('not a url')).toBe('CAMERA_FETCH_REFUSED');
  });
});

describe('fetchImage', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    server?.close();
    server = undefined;
  });
  const serve = async (handler: Parameters<typeof createServer>[1]): Promise<string> => {
    server = createServer(handler);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const a = server.address();
    return `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  };

  it('reads the bytes; refuses redirects, errors, oversized bodies and a silent camera', async () => {
    const base = await serve((req, res) => {
      if (req.url === '/ok') return void res.end(Buffer.from('picture'));
      if (req.url === '/redirect') return void res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
      if (req.url === '/big') return void res.end(Buffer.alloc(2048));
      // No content-length (chunked): the limit must hold while reading, not only on the declared size.
      if (req.url === '/big-chunked') {
        res.write(Buffer.alloc(700));
        return void res.end(Buffer.alloc(700));
      }
      if (req.url === '/slow') return; // never answers
      res.writeHead(404).end();
    });
    expect((await fetchImage(new URL(`${base}/ok`), 5_000, 1024)).toString()).toBe('picture');
    for (const [path, why] of [['/redirect', /HTTP 302/], ['/missing', /HTTP 404/], ['/big', /media limit/], ['/big-chunked', /media limit/], ['/slow', /no answer within 200 ms/]] as const) {
      const e = await fetchImage(new URL(`${base}${path}`), path === '/slow' ? 200 : 5_000, 1024).catch((err: unknown) => err);
      expect(codeOf(e), path).toBe('CAMERA_FETCH_FAILED');
      expect((e as Error).message).toMatch(why);
    }
  });
});
