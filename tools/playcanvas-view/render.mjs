// Screenshots of splat files drawn by the PlayCanvas engine in headless Chromium (software WebGL2).
//
// One file:
//   node render.mjs --file world.ply --format ply --position 0,1.6,0 --rotation 0,0,0,1 \
//     --fov 42.1 --size 240x160 --out shot.png [--no-load-transform] [--chromium /usr/bin/chromium]
// Several files in one browser and one page:
//   node render.mjs --batch jobs.json
// jobs.json: [{"file", "format", "position": [x, y, z], "rotation": [x, y, z, w], "fov",
//              "size": [w, h], "out", "loadTransform": true}, ...]
//
// --position/--rotation: the camera in the engine's world (+Y up; the camera looks down its -Z),
// rotation as a quaternion x,y,z,w. --fov: vertical, degrees. --format: ply | spz | glb. PLY and
// SPZ are read and turned as SuperSplat does (view.mjs says how); --no-load-transform draws the
// file's numbers unturned.
// stdout: one JSON line per job: reader, engine, renderer, splat count, the load rotation applied,
// whether any splat was in view and sorted, frames drawn until the image held still, seconds, page
// errors; or {"error"}. Exit 0 when every screenshot was written, 1 otherwise, 2 on a bad call.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ORIGIN = "http://playcanvas-view.invalid";
// WebGL2 on ANGLE over SwiftShader (Vulkan on the CPU), asked for even where a GPU is present so
// that every machine draws the same way. (Debian's headless Chromium 156 picks SwiftShader with
// no GPU even without these flags; Playwright passes --enable-unsafe-swiftshader by default too.)
const CHROMIUM_ARGS = ["--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist"];
const MIME = {
  ".html": "text/html",
  ".mjs": "text/javascript",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".json": "application/json",
};
const MAX_FRAMES = 60;
const SORT_WAIT_MS = 60000;

function numbers(text, count, name) {
  const values = String(text).split(",").map(Number);
  if (values.length !== count || values.some((v) => !Number.isFinite(v))) {
    throw new Error(`--${name} needs ${count} comma-separated numbers, got ${text}`);
  }
  return values;
}

function jobFromArgs(values) {
  for (const key of ["file", "format", "position", "rotation", "fov", "size", "out"]) {
    if (values[key] === undefined) throw new Error(`--${key} is required (or --batch)`);
  }
  const size = /^(\d+)x(\d+)$/.exec(values.size);
  if (!size) throw new Error(`--size is WIDTHxHEIGHT, got ${values.size}`);
  return {
    file: values.file,
    format: values.format,
    position: numbers(values.position, 3, "position"),
    rotation: numbers(values.rotation, 4, "rotation"),
    fov: Number(values.fov),
    size: [Number(size[1]), Number(size[2])],
    out: values.out,
    loadTransform: !values["no-load-transform"],
  };
}

// Every request to ORIGIN is answered from this folder, or with the current job's file.
async function serve(page, current) {
  await page.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    const input = url.pathname.startsWith("/input/");
    const local = input ? current.file : path.join(HERE, decodeURIComponent(url.pathname));
    if (!input && !local.startsWith(HERE + path.sep)) return route.fulfill({ status: 403 });
    try {
      const body = await readFile(local);
      return route.fulfill({ body, contentType: MIME[path.extname(local)] ?? "application/octet-stream" });
    } catch {
      return route.fulfill({ status: 404 });
    }
  });
}

async function openPage(browser) {
  const page = await browser.newPage({ viewport: { width: 64, height: 64 }, deviceScaleFactor: 1 });
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  const current = { file: null };
  await serve(page, current);
  await page.goto(`${ORIGIN}/view.html`);
  await page.waitForFunction(() => window.pcviewReady === true, null, { timeout: 30000 });
  return { page, errors, current };
}

async function renderJob(view, job, index) {
  const { page, errors, current } = view;
  const [width, height] = job.size;
  const t0 = Date.now();
  errors.length = 0;
  current.file = job.file;
  await page.setViewportSize({ width, height });
  const name = path.basename(job.file).replace(/\.[^.]+$/, `.${job.format}`);
  const info = await page.evaluate((j) => window.pcview.render(j), {
    url: `${ORIGIN}/input/${index}/${encodeURIComponent(name)}`,
    name,
    format: job.format,
    position: job.position,
    rotation: job.rotation,
    fov: job.fov,
    width,
    height,
    loadTransform: job.loadTransform !== false,
  });
  const t1 = Date.now();
  // The engine sorts splats in a worker, asked by the first frame that draws them from a camera;
  // the frame after its answer draws them in that order. Splats wholly out of view are culled and
  // never sorted: the screenshot is then empty, and there is nothing to wait for.
  let sorted = await page.evaluate(() => window.pcview.frame());
  let frames = 1;
  const visible = await page.evaluate(() => window.pcview.inView());
  const sortDeadline = Date.now() + SORT_WAIT_MS;
  while (visible && sorted === 0) {
    if (Date.now() > sortDeadline) throw new Error(`no sort result came back in ${SORT_WAIT_MS} ms`);
    await page.waitForTimeout(20);
    sorted = await page.evaluate(() => window.pcview.frame());
    frames += 1;
  }
  const canvas = page.locator("#view");
  let previous = null;
  let shot = null;
  for (let still = 0; still < MAX_FRAMES; still++) {
    await page.evaluate(() => window.pcview.frame());
    frames += 1;
    shot = await canvas.screenshot({ type: "png" });
    if (previous !== null && shot.equals(previous)) break;
    previous = shot;
  }
  if (previous === null || !shot.equals(previous)) {
    throw new Error(`the image kept changing for ${MAX_FRAMES} frames`);
  }
  await writeFile(job.out, shot);
  const seconds = { load: (t1 - t0) / 1000, frames: (Date.now() - t1) / 1000 };
  return { ...info, file: job.file, out: job.out, inView: visible, sorted: sorted > 0, frames, seconds, errors: [...errors] };
}

async function main() {
  const { values } = parseArgs({
    options: {
      batch: { type: "string" },
      file: { type: "string" },
      format: { type: "string" },
      position: { type: "string" },
      rotation: { type: "string" },
      fov: { type: "string" },
      size: { type: "string" },
      out: { type: "string" },
      "no-load-transform": { type: "boolean" },
      chromium: { type: "string", default: process.env.CHROMIUM ?? "/usr/bin/chromium" },
    },
  });
  const jobs = values.batch ? JSON.parse(await readFile(values.batch, "utf8")) : [jobFromArgs(values)];
  const browser = await chromium.launch({ executablePath: values.chromium, args: CHROMIUM_ARGS });
  let failed = false;
  try {
    const view = await openPage(browser);
    for (const [index, job] of jobs.entries()) {
      try {
        console.log(JSON.stringify(await renderJob(view, job, index)));
      } catch (error) {
        failed = true;
        console.log(JSON.stringify({ file: job.file, out: job.out, error: String(error?.stack ?? error) }));
      }
    }
  } finally {
    await browser.close();
  }
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(String(error?.stack ?? error));
  process.exit(2);
});
