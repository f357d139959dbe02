/**
 * The QuickJS WebAssembly module: loaded once per process by `loadSandbox()`; afterwards every sandbox call is
 * synchronous.
 *
 * Memory: the module gets a WebAssembly.Memory of our own with a hard maximum (HETUMIND_SANDBOX_MEMORY_CAP_MB, default
 * 512), so no sandboxed code can take more of the host than that. QuickJS's own `setMemoryLimit` is nearly blind in
 * this build (Emscripten has no malloc_usable_size, so it counts 8 bytes per allocation), so per-run limits are enforced
 * on the heap's growth (see vm.ts). WASM memory never shrinks: after a run leaves the heap large, a fresh instance is
 * loaded in the background and swapped in at the next run.
 *
 * Crashes: a host-level error escaping from the WASM code (the host's own stack overflowing inside QuickJS, a QuickJS
 * assertion) leaves the C heap in an unknown state; that instance is dropped and a new one loaded. Each instance has a
 * generation number; whoever caches runtimes or contexts drops them when it changes.
 */
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSWASMModule } from "quickjs-emscripten-core";
import releaseSyncVariant from "@jitl/quickjs-wasmfile-release-sync";
import { SandboxError } from "@/lib/errors";

const PAGE = 64 * 1024;
const INITIAL_HEAP_BYTES = 16 * 1024 * 1024;

/** Hard cap of the WASM heap shared by every sandbox run of the process. */
export const SANDBOX_MEMORY_CAP_BYTES = readCap();
/** A heap grown past this after a run is replaced by a fresh instance (loaded in the background). */
export const RECYCLE_HEAP_BYTES = Math.min(128 * 1024 * 1024, SANDBOX_MEMORY_CAP_BYTES / 2);

function readCap(): number {
  const megabytes = Number(process.env.HETUMIND_SANDBOX_MEMORY_CAP_MB);
  const bytes = Number.isFinite(megabytes) && megabytes >= 64 ? Math.floor(megabytes) * 1024 * 1024 : 512 * 1024 * 1024;
  return Math.min(bytes, 4096 * 1024 * 1024 - PAGE);
}

export interface LoadedModule {
  module: QuickJSWASMModule;
  memory: WebAssembly.Memory;
  generation: number;
}

let loaded: LoadedModule | undefined;
let loading: Promise<LoadedModule> | undefined;
let spare: LoadedModule | undefined;
let generationCounter = 0;
let crashCount = 0;
let recycleCount = 0;

const loadHooks: Array<(loadedModule: LoadedModule) => void> = [];

/** Runs once per module instance, before it is used: one-time probes (vm.ts), so that no run pays for them. */
export function onModuleLoaded(hook: (loadedModule: LoadedModule) => void): void {
  loadHooks.push(hook);
}

async function instantiate(): Promise<LoadedModule> {
  const memory = new WebAssembly.Memory({ initial: INITIAL_HEAP_BYTES / PAGE, maximum: Math.floor(SANDBOX_MEMORY_CAP_BYTES / PAGE) });
  const module = await newQuickJSWASMModuleFromVariant(newVariant(releaseSyncVariant, { wasmMemory: memory }));
  const instance = { module, memory, generation: ++generationCounter };
  for (const hook of loadHooks) hook(instance);
  return instance;
}

/** Loads the WASM module (once; later calls return at once). Call it before running workflows. */
export function loadSandbox(): Promise<void> {
  if (loaded) return Promise.resolve();
  if (!loading) {
    loading = instantiate().then(
      (instance) => {
        loaded = instance;
        loading = undefined;
        return instance;
      },
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    );
  }
  return loading.then(() => undefined);
}

export function isSandboxLoaded(): boolean {
  return loaded !== undefined;
}

/** The module to use now (a ready replacement is swapped in here); throws when `loadSandbox()` has not completed. */
export function currentModule(): LoadedModule {
  if (spare) {
    loaded = spare;
    spare = undefined;
    recycleCount += 1;
  }
  if (!loaded) {
    throw new SandboxError(
      "sandbox_unavailable",
      loading
        ? "The JavaScript sandbox is (re)loading; await loadSandbox() and try again"
        : "The JavaScript sandbox is not loaded: await loadSandbox() before running code or expressions",
    );
  }
  return loaded;
}

export function currentGeneration(): number {
  return loaded?.generation ?? 0;
}

/** Bytes of WASM heap the given generation has (0 when it is gone). */
export function heapBytes(generation: number): number {
  return loaded?.generation === generation ? loaded.memory.buffer.byteLength : 0;
}

/**
 * True for errors thrown by the WASM machinery itself rather than reported by QuickJS: the host stack overflowing
 * inside WASM code (RangeError), an `Aborted(...)` assertion or an out-of-bounds access (WebAssembly.RuntimeError).
 */
export function isHostLevelFailure(error: unknown): boolean {
  if (error instanceof WebAssembly.RuntimeError) return true;
  if (error instanceof RangeError && /call stack/i.test(error.message)) return true;
  return false;
}

/**
 * Drops the current module instance after a host-level failure and starts loading a fresh one. Nothing from the old
 * instance may be used again (not even disposed: its heap is in an unknown state).
 */
export function discardCrashedModule(generation: number): void {
  if (!loaded || loaded.generation !== generation) return;
  crashCount += 1;
  loaded = undefined;
  if (spare) {
    loaded = spare;
    spare = undefined;
    return;
  }
  void loadSandbox().catch(() => {
    /* the next currentModule() call reports that the sandbox is not loaded */
  });
}

/** After a run: when the heap has grown past the recycling threshold, prepare a fresh instance to swap in. */
export function recycleIfLarge(generation: number): void {
  if (!loaded || loaded.generation !== generation || spare || loading) return;
  if (loaded.memory.buffer.byteLength <= RECYCLE_HEAP_BYTES) return;
  loading = instantiate().then(
    (instance) => {
      loading = undefined;
      if (loaded?.generation === generation) spare = instance;
      else if (!loaded) loaded = instance;
      return instance;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  void loading.catch(() => {
    /* keep using the large instance */
  });
}

export function sandboxStats(): { generation: number; heapBytes: number; crashes: number; recycles: number; capBytes: number } {
  return {
    generation: loaded?.generation ?? 0,
    heapBytes: loaded?.memory.buffer.byteLength ?? 0,
    crashes: crashCount,
    recycles: recycleCount,
    capBytes: SANDBOX_MEMORY_CAP_BYTES,
  };
}
