import * as path from 'node:path';

/** The repository root: compiled files live in build/js/<same path as source>, so this file is build/js/kernel/base/paths.js. */
export const projectRoot: string = path.resolve(__dirname, '..', '..', '..', '..');

/** Where native/build.js puts the C helpers and generated JSON. */
export const nativeBuildDir: string = path.join(projectRoot, 'build', 'native');

/** Path of a built native helper or generated file (see native/build.js). */
export function nativeArtifact(name: string): string {
  return path.join(nativeBuildDir, name);
}
