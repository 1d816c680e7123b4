// The page side of render.mjs: one splat file drawn by the PlayCanvas engine from one camera.
//
// PLY and SPZ are read as SuperSplat reads them (playcanvas/supersplat src/io/read/loader.ts and
// src/asset-loader.ts): @playcanvas/splat-transform's readFile, the first source materialized to a
// DataTable, its columns handed to the engine as GSplatData, and the entity turned by the
// DataTable's `transform.rotation` (src/splat.ts: entity.setLocalRotation). splat-transform tags
// both formats with Transform.PLY, a 180 degree turn about Z (src/lib/utils/math.ts, read-ply.ts,
// read-spz.ts). Left out: SuperSplat's Morton reordering of the rows, for memory locality (the
// engine draws in its own depth order either way).
//
// A GLB (KHR_gaussian_splatting) is read by the engine's own glTF container parser
// (src/framework/parsers/glb/extensions/khr-gaussian-splatting.js), which puts no turn on it:
// glTF's axes are the engine's.
import * as pc from "playcanvas";
import {
  createChunkDataPool,
  getInputFormat,
  materializeToDataTable,
  MemoryReadFileSystem,
  readFile,
  version as splatTransformVersion,
} from "@playcanvas/splat-transform";

// splat-transform column types as GSplatData names them (SuperSplat's columnTypeToGSplatType).
const GSPLAT_TYPES = {
  int8: "char",
  uint8: "uchar",
  int16: "short",
  uint16: "ushort",
  int32: "int",
  uint32: "uint",
  float32: "float",
  float64: "double",
};

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

// The file as SuperSplat loads it: GSplatData and the rotation splat-transform tags it with.
async function readWithSplatTransform(name, bytes) {
  const fileSystem = new MemoryReadFileSystem();
  fileSystem.set(name, bytes);
  const sources = await readFile({
    filename: name,
    inputFormat: getInputFormat(name),
    options: {},
    params: [],
    fileSystem,
  });
  const source = sources[0];
  const pool = createChunkDataPool({ chunkSize: source.meta.chunkSize });
  let table;
  try {
    table = await materializeToDataTable(source, pool);
  } finally {
    for (const s of sources) await s.close();
    pool.destroy();
  }
  const properties = table.columns.map((column) => ({
    type: GSPLAT_TYPES[column.dataType] ?? "float",
    name: column.name,
    storage: column.data,
    byteSize: column.data.BYTES_PER_ELEMENT,
  }));
  const data = new pc.GSplatData([{ name: "vertex", count: table.numRows, properties }]);
  return { data, transform: table.transform };
}

function addSplat(app, name, data) {
  const asset = new pc.Asset(name, "gsplat", { url: `memory-${name}`, filename: name });
  app.assets.add(asset);
  asset.resource = new pc.GSplatResource(app.graphicsDevice, data);
  asset.loaded = true;
  const entity = new pc.Entity(name);
  // SuperSplat's Splat adds its component with unified: false (src/splat.ts).
  entity.addComponent("gsplat", { asset, unified: false });
  app.root.addChild(entity);
  return entity;
}

function loadContainer(app, url, name) {
  return new Promise((resolve, reject) => {
    app.assets.loadFromUrlAndFilename(url, name, "container", (error, asset) =>
      error ? reject(new Error(String(error))) : resolve(asset),
    );
  });
}

function rendererName(device) {
  const gl = device.gl;
  if (!gl) return device.deviceType;
  const info = gl.getExtension("WEBGL_debug_renderer_info");
  return gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
}

// Whether any splat's bounds meet the camera's frustum as last drawn. The engine culls splats wholly
// out of view and never sorts them, so no sort result is then to be waited for.
export function inView() {
  const frustum = camera.camera.frustum;
  return shown.some((entity) =>
    entity.findComponents("gsplat").some((c) => {
      const meshInstance = c.instance?.meshInstance;
      return meshInstance ? frustum.containsAabb(meshInstance.aabb) > 0 : false;
    }),
  );
}

// One app for every job of a page: a job replaces the previous job's splats and camera.
let app = null;
let camera = null;
let shown = [];
let sorts = 0; // sort results the splat sorter worker has delivered since the job began

// Draws one frame; resolves once it is drawn. The app draws only when asked: software-rendered
// frames cost CPU that the test machine shares, and none is needed while nothing changes.
export function frame() {
  return new Promise((resolve) => {
    app.once("frameend", () => resolve(sorts));
    app.renderNextFrame = true;
  });
}

function setUp(width, height) {
  const canvas = document.getElementById("view");
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  if (app === null) {
    app = new pc.Application(canvas, {
      graphicsDeviceOptions: {
        deviceTypes: [pc.DEVICETYPE_WEBGL2],
        antialias: false,
        alpha: false,
        preserveDrawingBuffer: true,
      },
    });
    app.graphicsDevice.maxPixelRatio = 1;
    app.setCanvasFillMode(pc.FILLMODE_NONE);
    camera = new pc.Entity("camera");
    camera.addComponent("camera", {
      clearColor: new pc.Color(0, 0, 0, 1),
      horizontalFov: false,
      nearClip: 0.01,
      farClip: 1000,
      toneMapping: pc.TONEMAP_NONE,
      gammaCorrection: pc.GAMMA_SRGB,
    });
    app.root.addChild(camera);
    app.autoRender = false;
    app.scene.on("gsplat:sorted", () => {
      sorts += 1;
    });
    app.start();
  }
  app.setCanvasResolution(pc.RESOLUTION_FIXED, width, height);
  for (const entity of shown) entity.destroy();
  shown = [];
}

// job: { url, name, format: "ply" | "spz" | "glb", position: [x, y, z], rotation: [x, y, z, w]
// (the camera in the engine's world: +Y up, looking down its -Z), fov (vertical, degrees),
// width, height, loadTransform (false: draw the file's numbers unturned, for diagnosis) }.
export async function render(job) {
  setUp(job.width, job.height);
  sorts = 0;
  camera.camera.fov = job.fov;
  camera.setPosition(job.position[0], job.position[1], job.position[2]);
  camera.setRotation(new pc.Quat(job.rotation[0], job.rotation[1], job.rotation[2], job.rotation[3]));

  const bytes = await fetchBytes(job.url);
  let numSplats;
  let turn = new pc.Quat();
  let reader;
  if (job.format === "ply" || job.format === "spz") {
    const { data, transform } = await readWithSplatTransform(job.name, bytes);
    const entity = addSplat(app, job.name, data);
    if (job.loadTransform !== false) {
      turn = transform.rotation.clone();
      entity.setLocalRotation(turn);
    }
    shown.push(entity);
    numSplats = data.numSplats;
    reader = `@playcanvas/splat-transform ${splatTransformVersion} readFile`;
  } else if (job.format === "glb") {
    const asset = await loadContainer(app, job.url, job.name);
    const gsplats = asset.resource.gsplats ?? [];
    if (gsplats.length === 0) throw new Error(`${job.name}: the engine found no KHR_gaussian_splatting primitive`);
    const entity = asset.resource.instantiateRenderEntity();
    // The same (non-unified) splat renderer SuperSplat draws PLY and SPZ with.
    for (const component of entity.findComponents("gsplat")) component.unified = false;
    app.root.addChild(entity);
    shown.push(entity);
    numSplats = gsplats.reduce((n, a) => n + a.resource.numSplats, 0);
    reader = `playcanvas ${pc.version} glTF container (KHR_gaussian_splatting)`;
  } else {
    throw new Error(`unknown format ${job.format}`);
  }

  const euler = turn.getEulerAngles();
  return {
    engine: `playcanvas ${pc.version}`,
    reader,
    renderer: rendererName(app.graphicsDevice),
    deviceType: app.graphicsDevice.deviceType,
    numSplats,
    loadRotation: { xyzw: [turn.x, turn.y, turn.z, turn.w], eulerDegrees: [euler.x, euler.y, euler.z] },
  };
}
