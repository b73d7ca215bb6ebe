package dev.lumen.app.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.app.jobs.JobQueue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The results store on a real SQLite file and a real PostgreSQL server, with the same migrations. */
class StoreTest {

  /** A fresh store on {@code url}. */
  private static Store fresh(String url) throws Exception {
    return Store.open(emptyDatabase(url));
  }

  /** {@code url}, where PostgreSQL's gets a schema of its own, so runs do not see each other. */
  private static String emptyDatabase(String url) throws Exception {
    if (!url.startsWith("jdbc:postgresql:")) {
      return url;
    }
    String schema = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = java.sql.DriverManager.getConnection(url); Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + schema);
    }
    return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  @Test
  void rowsRoundTripOnEveryDatabase(@TempDir Path tmp) throws Exception {
    for (String url : Databases.urls(tmp)) {
      try (Store store = fresh(url)) {
        rowsRoundTrip(store, url);
      }
    }
  }

  private static void rowsRoundTrip(Store store, String url) {
    ModelRow model = new ModelRow("m1", "chest.onnx", "/models/chest.onnx", "a".repeat(64), 1L);
    store.putModel(model);
    store.putModel(model);
    assertEquals(List.of(model), store.models(), url);
    StudyRow study = new StudyRow("s1", "x.png", "b".repeat(64), "image", 2L);
    store.putStudy(study);
    store.putStudy(study);
    assertEquals(List.of(study), store.studies(), url);
    ExplanationRow e = new ExplanationRow("c".repeat(64), "m1", "s1", "gradcam", "layer4", "{}", "nodule", 1, 0.75,
        "d".repeat(64), "e".repeat(64), "f".repeat(64), 3L, null);
    store.putExplanation(e);
    store.putExplanation(e);
    assertEquals(e, store.explanation(e.cacheKey()).orElseThrow(), url);
    JobRow job = new JobRow("j1", "explain", "{\"method\": \"cam\"}", JobState.QUEUED, null, null, 4L, null, null);
    store.putJob(job);
    JobRow done = job.moved(JobState.RUNNING, null, null, 5L).moved(JobState.DONE, null, "{\"ok\": 1}", 6L);
    store.updateJob(done);
    assertEquals(done, store.job("j1").orElseThrow(), url);
    assertEquals(5L, done.startedAt());
    assertEquals(List.of(done), store.jobs(JobState.DONE), url);
    AnnotationRow first = new AnnotationRow("a1", 1, "s1", 0, "nodule", "box", "{\"box\": [0, 0, 4, 4]}", "", "dr. a",
        7L, false);
    assertTrue(store.addAnnotation(first), url);
    AnnotationRow rival = new AnnotationRow("a1", 1, "s1", 0, "nodule", "box", "{\"box\": [1, 1, 4, 4]}", "", "dr. b",
        8L, false);
    assertFalse(store.addAnnotation(rival), "a version is written once: " + url);
    AnnotationRow gone = new AnnotationRow("a1", 2, "s1", 0, "nodule", "box", first.geometry(), "", "dr. a", 9L, true);
    assertTrue(store.addAnnotation(gone), url);
    assertEquals(List.of(first, gone), store.annotationVersions("a1"), url);
    assertEquals(List.of(gone), store.latestAnnotations("s1"), url);
    assertEquals(List.of(), store.annotatedStudies(), "a deleted annotation leaves its study unannotated: " + url);
  }

  @Test
  void aStoreOfTheVersionBeforeLazyOverlaysKeepsItsExplanationsAndTakesOnesWithoutAnOverlay(@TempDir Path tmp)
      throws Exception {
    for (String url : Databases.urls(tmp)) {
      String at = emptyDatabase(url);
      // the schema as the release before V5 left it, with an explanation in it
      org.flywaydb.core.Flyway.configure().dataSource(at, null, null).locations("classpath:db/migration").target("4")
          .load().migrate();
      try (Connection c = java.sql.DriverManager.getConnection(at); Statement st = c.createStatement()) {
        st.execute("INSERT INTO models VALUES ('m1', 'chest.onnx', '/models/chest.onnx', '" + "a".repeat(64) + "', 1)");
        st.execute("INSERT INTO studies VALUES ('s1', 'x.png', '" + "b".repeat(64) + "', 'image', 2)");
        st.execute("INSERT INTO explanations (cache_key, model_id, study_id, method, layer, settings, target_label, "
            + "target_index, score, raw_blob, map_blob, overlay_blob, created_at) VALUES ('" + "c".repeat(64)
            + "', 'm1', 's1', 'gradcam', 'layer4', '{}', 'nodule', 1, 0.75, '" + "d".repeat(64) + "', '"
            + "e".repeat(64) + "', '" + "f".repeat(64) + "', 3)");
      }
      try (Store store = Store.open(at)) {
        ExplanationRow kept = store.explanation("c".repeat(64)).orElseThrow();
        assertEquals("f".repeat(64), kept.overlayBlob(), url);
        ExplanationRow lazy = new ExplanationRow("9".repeat(64), "m1", "s1", "cam", "layer4", "{}", "nodule", 1, 0.5,
            "d".repeat(64), "e".repeat(64), null, 4L, null);
        store.putExplanation(lazy);
        assertEquals(lazy, store.explanation(lazy.cacheKey()).orElseThrow(), url);
        assertFalse(store.blobsInUse().contains(null), "a missing overlay is no blob in use: " + url);
        store.setOverlay(lazy.cacheKey(), "8".repeat(64));
        assertEquals("8".repeat(64), store.explanation(lazy.cacheKey()).orElseThrow().overlayBlob(), url);
        assertTrue(store.blobsInUse().contains("8".repeat(64)), url);
      }
    }
  }

  @Test
  void jobsRunningWhenTheProcessDiedAreMarkedInterruptedAndQueuedOnesRun(@TempDir Path tmp) throws Exception {
    for (String url : Databases.urls(tmp)) {
      try (Store store = fresh(url)) {
        interruptedAndQueued(store, url);
      }
    }
  }

  private static void interruptedAndQueued(Store store, String url) throws Exception {
    store.putJob(new JobRow("cut", "echo", "1", JobState.RUNNING, null, null, 1L, 1L, null));
    store.putJob(new JobRow("waiting", "echo", "2", JobState.QUEUED, null, null, 2L, null, null));
    CountDownLatch ran = new CountDownLatch(1);
    try (JobQueue jobs = new JobQueue(store, Map.of("echo", (request, progress) -> {
      ran.countDown();
      return "{\"echo\": " + request + "}";
    }), 1, 4)) {
      assertTrue(ran.await(10, TimeUnit.SECONDS));
      for (int i = 0; i < 100 && !store.job("waiting").orElseThrow().state().ended(); i++) {
        Thread.sleep(20);
      }
    }
    assertEquals(JobState.INTERRUPTED, store.job("cut").orElseThrow().state(), url);
    JobRow waiting = store.job("waiting").orElseThrow();
    assertEquals(JobState.DONE, waiting.state(), url);
    assertEquals("{\"echo\": 2}", waiting.result());
  }

  @Test
  void blobsAreNamedByContentAndWrittenOnce(@TempDir Path tmp) throws Exception {
    Blobs blobs = new Blobs(tmp.resolve("blobs"));
    String hash = blobs.put(new byte[] {1, 2, 3});
    assertEquals("039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81", hash);
    assertEquals(hash, blobs.put(new byte[] {1, 2, 3}));
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(blobs.path(hash).orElseThrow()));
    assertTrue(blobs.path("../../etc/passwd").isEmpty(), "only hashes name blobs");
    try (var files = Files.walk(tmp)) {
      assertEquals(1, files.filter(Files::isRegularFile).count(), "one file, no temporary left");
    }
  }
}
