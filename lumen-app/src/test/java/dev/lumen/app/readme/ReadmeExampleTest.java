package dev.lumen.app.readme;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadmeExampleTest {

  @Test
  void readmeShowsTheExampleThatCompilesHere() throws IOException {
    Path root = Path.of(System.getProperty("lumen.repoRoot", ".."));
    String readme = Files.readString(root.resolve("README.md"));
    String source = Files.readString(root.resolve("lumen-app/src/test/java/dev/lumen/app/readme/ReadmeExample.java"));
    String body = source.substring(source.indexOf("// README:BEGIN") + "// README:BEGIN".length(), source.indexOf("    // README:END"));
    String dedented = body.strip().lines().map(l -> l.startsWith("    ") ? l.substring(4) : l)
        .reduce((a, b) -> a + "\n" + b).orElseThrow();
    assertTrue(readme.contains(dedented), "README.md must contain the example of ReadmeExample.java verbatim:\n" + dedented);
  }

  @Test
  void theExampleRunsOnTheDemoModel(@TempDir Path tmp) throws IOException {
    for (String name : new String[] {"chest-demo.onnx", "chest-demo.lumen.json", "study-1-nodule.png"}) {
      try (InputStream in = getClass().getResourceAsStream("/dev/lumen/app/demo/" + name)) {
        Files.copy(in, tmp.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    ReadmeExample.run(tmp.resolve("chest-demo.onnx"), tmp.resolve("study-1-nodule.png"), tmp);
    assertTrue(Files.size(tmp.resolve("nodule.png")) > 0);
    assertTrue(Files.size(tmp.resolve("top.png")) > 0);
  }
}
