package dev.lumen.app.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** A test class over one {@link TestServer}: started with the demo before its tests, stopped after. */
abstract class ServerTestBase {
  @TempDir
  static Path data;

  static TestServer api;

  @BeforeAll
  static void startServer() throws IOException {
    api = new TestServer(data);
  }

  @AfterAll
  static void stopServer() {
    api.close();
  }
}
