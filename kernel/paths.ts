// Where the repository and the built helpers are: defined in the bottom layer
// (kernel/base/paths.ts), which native/ may import too; re-exported here for
// the layers that name it kernel/paths.
export { nativeArtifact, nativeBuildDir, projectRoot } from './base/paths';
