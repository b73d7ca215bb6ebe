package dev.lumen.app.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;

/**
 * The databases the store tests run against: SQLite in a temporary folder, and the PostgreSQL
 * server scripts/test.sh starts on localhost, named by {@code LUMEN_TEST_POSTGRES_URL}. Under CI
 * ({@code CI=true}) a missing PostgreSQL fails the tests instead of skipping them.
 */
public final class Databases {
  private Databases() {}

  /** The JDBC URLs to test: SQLite in {@code folder}, and PostgreSQL when it is there. */
  public static List<String> urls(Path folder) {
    List<String> urls = new ArrayList<>(List.of(Store.sqliteUrl(folder)));
    String postgres = System.getenv("LUMEN_TEST_POSTGRES_URL");
    if (postgres != null && !postgres.isBlank()) {
      urls.add(postgres);
    } else if ("true".equals(System.getenv("CI"))) {
      Assertions.fail("LUMEN_TEST_POSTGRES_URL is not set: scripts/test.sh starts PostgreSQL for the store tests");
    }
    return urls;
  }
}
