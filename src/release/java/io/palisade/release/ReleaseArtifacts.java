package io.palisade.release;

import io.palisade.build.BuildInfo;
import java.nio.file.Path;

/**
 * What one release build produced.
 *
 * @param build the jar's build description (the release is named after its version)
 * @param bundle palisade-VERSION-linux-x64.tar.gz (its .sha256 beside it)
 * @param image palisade-VERSION-image.tar, a Docker-format image tarball (its .sha256 beside it)
 */
public record ReleaseArtifacts(BuildInfo build, Path bundle, Path image) {}
