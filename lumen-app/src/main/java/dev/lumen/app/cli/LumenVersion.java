package dev.lumen.app.cli;

import dev.lumen.core.Version;
import picocli.CommandLine;

/** Gives picocli's {@code --version} Lumen's build version. */
final class LumenVersion implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"lumen " + Version.get()};
  }
}
