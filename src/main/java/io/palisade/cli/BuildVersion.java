package io.palisade.cli;

import io.palisade.build.BuildInfo;
import picocli.CommandLine.IVersionProvider;

/** {@code palisade --version}: version, commit, build date and the Java runtime (BuildInfo). */
final class BuildVersion implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return BuildInfo.current().versionLines();
    }
}
